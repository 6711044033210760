; http.csrf().disable()
(method_invocation
  object: (method_invocation name: (identifier) @csrf)
  name: (identifier) @disable
  (#eq? @csrf "csrf")
  (#eq? @disable "disable")) @report

; http.csrf(csrf -> csrf.disable()) / http.csrf(AbstractHttpConfigurer::disable)
(method_invocation
  name: (identifier) @csrf
  arguments: (argument_list
    [
      (lambda_expression body: (method_invocation name: (identifier) @disable))
      (method_reference (identifier) @disable .)
    ])
  (#eq? @csrf "csrf")
  (#eq? @disable "disable")) @report
