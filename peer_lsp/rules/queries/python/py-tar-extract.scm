; <archive>.extractall(...) / .extract(...) (the check keeps tar archives opened in the same
; function, and looks for filter= and members=).
(call
  function: (attribute object: (_) @archive attribute: (identifier) @fn)
  (#any-of? @fn "extractall" "extract")) @report

; shutil.unpack_archive(...) (the check looks for filter=).
(call
  function: (attribute object: (identifier) @module attribute: (identifier) @fn)
  (#eq? @module "shutil")
  (#eq? @fn "unpack_archive")) @report
