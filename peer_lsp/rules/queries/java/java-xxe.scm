; XML parsers that resolve external entities (the check reads the factory's settings in the
; class): a parser made from a factory never secured, an XMLInputFactory created and never
; secured, or a setting that turns entity resolution on.
(method_invocation
  name: (identifier) @method
  (#any-of? @method "newDocumentBuilder" "newSAXParser" "newTransformer" "newFactory" "newInstance" "setFeature" "setProperty")) @report
