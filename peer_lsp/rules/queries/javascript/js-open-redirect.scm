; res.redirect(url) / res.redirect(301, url): the check wants the URL's start from the request.
(call_expression
  function: (member_expression property: (property_identifier) @method)
  arguments: (arguments (_) @report .)
  (#eq? @method "redirect"))

; location = url / window.location = url / location.href = url / document.location.href = url
(assignment_expression
  left: (identifier) @target
  right: (_) @report
  (#eq? @target "location"))

(assignment_expression
  left: (member_expression
    object: (identifier) @global
    property: (property_identifier) @target)
  right: (_) @report
  (#any-of? @global "window" "document" "self" "top")
  (#eq? @target "location"))

(assignment_expression
  left: (member_expression
    object: [
      (identifier) @owner
      (member_expression property: (property_identifier) @owner)
    ]
    property: (property_identifier) @target)
  right: (_) @report
  (#eq? @owner "location")
  (#eq? @target "href"))

; location.assign(url) / location.replace(url) / window.open(url)
(call_expression
  function: (member_expression
    object: [
      (identifier) @owner
      (member_expression property: (property_identifier) @owner)
    ]
    property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#any-of? @owner "location" "window")
  (#any-of? @method "assign" "replace" "open"))
