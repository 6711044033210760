; CSRF protection switched off: Flask-WTF's WTF_CSRF_ENABLED / WTF_CSRF_CHECK_DEFAULT = False
; (a name, an attribute, a config key, or a keyword of config.update/from_mapping), Pyramid's
; require_csrf=False / check_origin=False, and Django's @csrf_exempt. The check leaves
; configurations that also set TESTING = True.
(assignment
  left: [
    (identifier) @key
    (attribute attribute: (identifier) @key)
    (subscript subscript: (string (string_content) @key))
  ]
  right: (false)
  (#any-of? @key "WTF_CSRF_ENABLED" "WTF_CSRF_CHECK_DEFAULT")) @report

(keyword_argument
  name: (identifier) @key
  value: (false)
  (#any-of? @key "WTF_CSRF_ENABLED" "WTF_CSRF_CHECK_DEFAULT" "require_csrf" "check_origin")) @report

(decorator
  [
    (identifier) @key @report
    (attribute attribute: (identifier) @key) @report
  ]
  (#eq? @key "csrf_exempt"))
