; res.redirect(url) / res.redirect(301, url): the check wants the URL's start from the request.
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments (_) @report .)
  (#eq? @method "redirect"))
