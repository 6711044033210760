; File APIs given a path (the check looks for request text in the arguments).
(object_creation_expression
  type: [(type_identifier) (scoped_type_identifier)] @api
  (#match? @api "(^|[.])(File|FileInputStream|FileOutputStream|FileReader|FileWriter|RandomAccessFile|FileSystemResource|ClassPathResource|PathResource)$")) @report

(method_invocation
  object: (identifier) @class
  name: (identifier) @api
  (#any-of? @class "Paths" "Path")
  (#any-of? @api "get" "of")) @report
