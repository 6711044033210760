; paramiko told to accept any host key: set_missing_host_key_policy(AutoAddPolicy) or
; WarningPolicy, as the class or an instance, however it was imported.
(call
  function: (attribute attribute: (identifier) @fn)
  arguments: (argument_list
    [
      (identifier) @policy
      (attribute attribute: (identifier) @policy)
      (call function: [
        (identifier) @policy
        (attribute attribute: (identifier) @policy)
      ])
    ] @report)
  (#eq? @fn "set_missing_host_key_policy")
  (#any-of? @policy "AutoAddPolicy" "WarningPolicy"))
