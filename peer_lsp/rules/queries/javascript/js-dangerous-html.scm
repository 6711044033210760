; <div dangerouslySetInnerHTML={{ __html: value }} />, value not a literal.
(jsx_attribute
  (property_identifier) @attribute
  (jsx_expression
    (object
      (pair
        key: [(property_identifier) (string)] @key
        value: (_) @value @report)))
  (#eq? @attribute "dangerouslySetInnerHTML")
  (#match? @key "^[\"']?__html[\"']?$")
  (#not-literal? @value))

; React.createElement("div", { dangerouslySetInnerHTML: { __html: value } })
(pair
  key: [(property_identifier) (string)] @attribute
  value: (object
    (pair
      key: [(property_identifier) (string)] @key
      value: (_) @value @report))
  (#match? @attribute "^[\"']?dangerouslySetInnerHTML[\"']?$")
  (#match? @key "^[\"']?__html[\"']?$")
  (#not-literal? @value))
