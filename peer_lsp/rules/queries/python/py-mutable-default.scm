; A list, dict or set (literal, comprehension or constructor call) as a parameter default.
(default_parameter
  value: [(list) (dictionary) (set) (list_comprehension) (dictionary_comprehension) (set_comprehension)] @report)

(typed_default_parameter
  value: [(list) (dictionary) (set) (list_comprehension) (dictionary_comprehension) (set_comprehension)] @report)

(default_parameter
  value: (call function: (_) @ctor) @report
  (#match? @ctor "^(list|dict|set|bytearray|(collections\\.)?(defaultdict|OrderedDict|Counter|deque))$"))

(typed_default_parameter
  value: (call function: (_) @ctor) @report
  (#match? @ctor "^(list|dict|set|bytearray|(collections\\.)?(defaultdict|OrderedDict|Counter|deque))$"))
