; http.ListenAndServe(addr, handler) (the check wants net/http/pprof imported, the default
; mux served, and an address that is not loopback).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list . (_) @address . (_) @handler)
  (#eq? @package "http")
  (#any-of? @fn "ListenAndServe" "ListenAndServeTLS")) @report
