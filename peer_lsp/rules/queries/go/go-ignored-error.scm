; Functions whose only result is an error, called as a statement.
(expression_statement
  (call_expression
    function: (selector_expression operand: (identifier) @package field: (field_identifier) @name) @fn)
  (#match? @fn "^(json|xml|yaml|proto|toml)\\.Unmarshal$|^os\\.(Mkdir|MkdirAll|WriteFile|Setenv|Unsetenv|Chdir|Chmod|Chown|Rename|Symlink|Link|Truncate)$|^http\\.(ListenAndServe|ListenAndServeTLS|Serve)$")) @report

; json.NewDecoder(r).Decode(&v) / json.NewEncoder(w).Encode(v) as a statement.
(expression_statement
  (call_expression
    function: (selector_expression
      operand: (call_expression
        function: (selector_expression operand: (identifier) @package field: (field_identifier) @ctor))
      field: (field_identifier) @method) @fn)
  (#any-of? @package "json" "xml" "gob" "yaml")
  (#any-of? @ctor "NewDecoder" "NewEncoder")
  (#any-of? @method "Decode" "Encode")) @report
