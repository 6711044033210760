; Units of Go: functions, methods (named by the method alone), and struct and interface types.

(function_declaration name: (identifier) @name) @definition.function

; `func (s *Server) Start()` is named `Start`: the receiver type is not part of the name.
(method_declaration name: (field_identifier) @name) @definition.function

; `type Server struct {...}`: the whole declaration when it declares one type, else the spec.
(type_declaration
  .
  (type_spec name: (type_identifier) @name type: [(struct_type) (interface_type)])
  .) @definition.class

(type_spec name: (type_identifier) @name type: [(struct_type) (interface_type)]) @definition.class
