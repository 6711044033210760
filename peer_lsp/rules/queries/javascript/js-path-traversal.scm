; path.join / path.resolve with a part from the request (the check follows the values).
(call_expression
  function: (member_expression
    object: (identifier) @module
    property: (property_identifier) @method)
  arguments: (arguments) @parts
  (#eq? @module "path")
  (#any-of? @method "join" "resolve")) @report

; res.sendFile(file) / res.download(file) without options (a `root` may confine it).
(call_expression
  function: (member_expression
    object: (identifier) @response
    property: (property_identifier) @method)
  arguments: (arguments . (_) @report .)
  (#match? @response "^(res|response|resp)$")
  (#any-of? @method "sendFile" "sendfile" "download"))

; fs.readFile(file) / fs.createReadStream(file) / fs.promises.writeFile(file, ...)...
(call_expression
  function: (member_expression
    object: [
      (identifier) @module
      (member_expression object: (identifier) @module)
    ]
    property: (property_identifier) @method)
  arguments: (arguments . (_) @report)
  (#match? @module "^(fs|fsp|fse|fsPromises)$")
  (#match? @method "^(readFile|readFileSync|writeFile|writeFileSync|appendFile|appendFileSync|createReadStream|createWriteStream|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|open|openSync|access|stat|statSync|copyFile|rename|mkdir|mkdirSync)$"))
