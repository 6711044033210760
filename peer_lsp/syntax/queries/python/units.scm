; Units of Python: functions, methods and classes (decorators included).

(decorated_definition
  definition: (function_definition name: (identifier) @name)) @definition.function

(decorated_definition
  definition: (class_definition name: (identifier) @name)) @definition.class

(function_definition name: (identifier) @name) @definition.function

(class_definition name: (identifier) @name) @definition.class
