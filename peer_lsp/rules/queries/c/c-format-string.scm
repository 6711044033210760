; printf(data), fprintf(f, data), snprintf(buf, n, data), syslog(p, data)... (the check
; finds the format argument and makes sure it is the last one).
(call_expression
  function: (identifier) @fn
  (#any-of? @fn "printf" "fprintf" "dprintf" "sprintf" "snprintf" "syslog" "wprintf" "fwprintf" "swprintf")) @report
