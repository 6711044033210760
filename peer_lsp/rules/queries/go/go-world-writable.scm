; os.Chmod(path, mode) / os.Mkdir / os.MkdirAll / os.OpenFile / os.WriteFile /
; ioutil.WriteFile: the mode is the last argument (the check reads its bits).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list (_) @mode .)
  (#any-of? @package "os" "ioutil")
  (#any-of? @fn "Chmod" "Mkdir" "MkdirAll" "OpenFile" "WriteFile")) @report
