; An SSL/TLS protocol version that is broken or deprecated, given to a call, as a parameter's
; default or assigned (ssl, pyOpenSSL). The check keeps the places a version is chosen.
(attribute
  attribute: (identifier) @version
  (#any-of? @version "PROTOCOL_SSLv2" "PROTOCOL_SSLv3" "PROTOCOL_TLSv1" "PROTOCOL_TLSv1_1" "SSLv2_METHOD" "SSLv3_METHOD" "SSLv23_METHOD" "TLSv1_METHOD" "TLSv1_1_METHOD")) @report

; ssl.TLSVersion.TLSv1 / TLSv1_1 / SSLv3 as the minimum version.
(attribute
  object: (attribute attribute: (identifier) @enum)
  attribute: (identifier) @version
  (#eq? @enum "TLSVersion")
  (#any-of? @version "SSLv3" "TLSv1" "TLSv1_1")) @report
