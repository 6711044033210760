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

; v, _ := strconv.Atoi(s): the error of a parse or read thrown away next to its value.
([
  (short_var_declaration
    left: (expression_list (_) . (identifier) @blank .)
    right: (expression_list . (call_expression function: (selector_expression) @fn) .))
  (assignment_statement
    left: (expression_list (_) . (identifier) @blank .)
    right: (expression_list . (call_expression function: (selector_expression) @fn) .))
] @report
  (#eq? @blank "_")
  (#match? @fn "^strconv\\.(Atoi|Parse(Int|Uint|Float|Bool|Complex))$|^json\\.(Marshal|MarshalIndent)$|^(url|mail)\\.Parse|^time\\.(Parse|ParseDuration|ParseInLocation|LoadLocation)$|^regexp\\.Compile$|^os\\.(Open|OpenFile|Create|ReadFile|ReadDir|Getwd|Hostname)$|^(io|ioutil)\\.(ReadAll|ReadFile)$|^filepath\\.(Abs|Rel|Glob)$|^net\\.(ParseCIDR|Dial|Listen)$|^hex\\.DecodeString$|^base64\\.(StdEncoding|URLEncoding|RawURLEncoding|RawStdEncoding)\\.DecodeString$"))

; f() as a statement, where f is a function of this file whose only result is an error (the
; check looks for its declaration).
(expression_statement
  (call_expression function: (identifier) @local @fn)) @report
