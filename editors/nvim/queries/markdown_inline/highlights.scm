;; extends

; peer escapes model text for Markdown (`words\[1\]`, else `[1]` reads as a link and Neovim
; conceals its brackets: "words1"). Hide the escaping backslash where Markdown is concealed
; (hover and explanation floats set conceallevel), as a Markdown renderer does.
((backslash_escape) @conceal
  (#offset! @conceal 0 0 0 -1)
  (#set! conceal ""))
