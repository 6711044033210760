; A redirect to a URL that starts with a value from a web request (the check).
(call
  function: [
    (identifier) @fn
    (attribute attribute: (identifier) @fn)
  ]
  arguments: (argument_list . (_) @url)
  (#any-of? @fn "redirect" "HttpResponseRedirect" "HttpResponsePermanentRedirect" "RedirectResponse")) @report
