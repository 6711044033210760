; HTTP clients given a URL (the check looks for request text deciding the host).
(object_creation_expression
  type: [(type_identifier) (scoped_type_identifier)] @api
  arguments: (argument_list . (_) @url)
  (#match? @api "(^|[.])(URL|HttpGet|HttpPost|HttpPut|HttpDelete|HttpHead|HttpPatch)$")) @report

(method_invocation
  name: (identifier) @api
  arguments: (argument_list . (_) @url)
  (#any-of? @api "getForObject" "getForEntity" "postForObject" "postForEntity" "postForLocation" "exchange" "connect" "create")) @report
