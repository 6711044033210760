-- peer-lsp, an AI code reviewer, for Neovim 0.11+ (see `:help peer`):
--
--   vim.lsp.config('peer', { settings = { peer = { minConfidence = 0.6 } } }) -- optional
--   vim.lsp.enable('peer')
--
-- With no `filetypes`, the server attaches to every file buffer: it parses 170+ languages and
-- cuts the rest into chunks. Set `filetypes` to review only some. Settings go in
-- `settings.peer` (docs/configuration.md); they are also sent as initializationOptions.

local peer = require('peer')

---@type vim.lsp.Config
return {
  cmd = { 'peer-lsp' },
  root_markers = { '.peer.toml', 'pyproject.toml', '.git' },
  settings = {},
  capabilities = peer.capabilities(),
  handlers = peer.handlers(),
  commands = peer.commands(),
  before_init = function(params, config)
    require('peer').before_init(params, config)
  end,
}
