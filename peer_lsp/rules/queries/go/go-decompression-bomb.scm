; io.Copy(dst, src) / io.CopyBuffer(dst, src, buf) (the check wants src to be a decompressing
; reader: gzip/zlib/flate/bzip2/lzw, or an entry of a zip archive opened).
(call_expression
  function: (selector_expression operand: (identifier) @package field: (field_identifier) @fn)
  arguments: (argument_list . (_) . (_) @source)
  (#eq? @package "io")
  (#any-of? @fn "Copy" "CopyBuffer")) @report
