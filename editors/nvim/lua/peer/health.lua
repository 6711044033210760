--- `:checkhealth peer`: Neovim version, the server command, and what the running clients say.

local M = {}

-- vim.health.start/ok/warn/error are Neovim 0.10+; 0.9 has vim.health.report_*.
local health = vim.health
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error
local info = health.info or health.report_info

function M.check()
  start('peer')
  local version = vim.version()
  local shown = ('%d.%d.%d'):format(version.major, version.minor, version.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    ok('Neovim ' .. shown .. ": vim.lsp.enable('peer') or require('peer').setup()")
  elseif vim.fn.has('nvim-0.9') == 1 then
    ok('Neovim ' .. shown .. ": use require('peer').setup() (lsp/peer.lua needs 0.11)")
  else
    fail('Neovim ' .. shown .. ': peer needs 0.9 or later')
  end

  local peer = require('peer')
  local clients = peer.clients(nil)
  if #clients == 0 then
    if vim.fn.executable('peer-lsp') == 1 then
      ok('peer-lsp found: ' .. vim.fn.exepath('peer-lsp'))
    else
      warn('peer-lsp is not on PATH', {
        'Install the server: pipx install git+https://github.com/peer-lsp/peer-lsp',
        "Or start it from a Python environment: cmd = { '/path/to/python', '-m', 'peer_lsp', 'serve' }",
      })
    end
    info('no peer client is running (open a file, or run :checkhealth vim.lsp)')
    return
  end
  for _, client in ipairs(clients) do
    local command = type(client.config.cmd) == 'table' and table.concat(client.config.cmd, ' ') or '(function)'
    ok(('client %d running: %s'):format(client.id, command))
    local status = peer.client_status(client.id)
    if status == nil then
      info(('client %d: no status reported yet'):format(client.id))
    elseif status.state == 'error' then
      warn(('client %d: a provider is failing: %s'):format(client.id, tostring(status.detail)), {
        'Run :PeerHealth for each provider',
      })
    elseif status.state == 'paused' then
      warn(('client %d: model reviews paused: %s'):format(client.id, tostring(status.detail)), {
        'Raise the budget (dailyTokenLimit, dailyCostLimit, ...) or wait for the next UTC day',
      })
    else
      ok(('client %d: %s'):format(client.id, peer.describe(status)))
    end
  end
end

return M
