; printf(data), fprintf(f, data), snprintf(buf, n, data), syslog(p, data), vsprintf(buf, data,
; ap)... (the check finds the format argument: the last one, or one taken from argv).
(call_expression
  function: (identifier) @fn
  (#any-of? @fn "printf" "fprintf" "dprintf" "sprintf" "snprintf" "syslog" "wprintf" "fwprintf" "swprintf" "vprintf" "vfprintf" "vdprintf" "vsprintf" "vsnprintf")) @report
