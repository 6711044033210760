; http.Get(url) / client.Post(url, ...) / http.NewRequest(method, url, body) ... (the check
; finds the URL argument and wants its host taken from the request being handled).
(call_expression
  function: (selector_expression operand: (_) @client field: (field_identifier) @fn)
  (#any-of? @fn "Get" "Head" "Post" "PostForm" "NewRequest" "NewRequestWithContext")) @report
