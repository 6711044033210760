-- peer: commands, the `peer/status` handler and statusline refresh. Everything else loads on
-- first use from lua/peer/. See `:help peer`.

if vim.g.loaded_peer then
  return
end
vim.g.loaded_peer = true

if vim.fn.has('nvim-0.9') == 0 then
  vim.notify('peer needs Neovim 0.9 or later', vim.log.levels.ERROR)
  return
end

-- The server's status notification, for any client that runs peer-lsp.
if vim.lsp.handlers['peer/status'] == nil then
  vim.lsp.handlers['peer/status'] = function(err, result, ctx, config)
    return require('peer').on_status(err, result, ctx, config)
  end
end

local command = vim.api.nvim_create_user_command

command('PeerReview', function(args)
  local line = args.range > 0 and args.line1 - 1 or nil
  require('peer').review({ line = line })
end, {
  range = true,
  desc = 'peer: review this file now (with a range: the function at its first line)',
})

command('PeerFixAll', function()
  require('peer').fix_all()
end, { desc = 'peer: apply every verified fix at or above preferredConfidence' })

command('PeerHealth', function()
  require('peer').show_health()
end, { desc = 'peer: providers, latency, success rate and circuit breakers' })

command('PeerStatus', function()
  require('peer').show_status()
end, { desc = 'peer: the model, reviews in flight and cache hit rate' })

-- Redraw statuslines when peer's progress or status changes (LspProgress is Neovim 0.10+;
-- 0.9 fires User LspProgressUpdate).
local group = vim.api.nvim_create_augroup('peer_statusline', { clear = true })
local redraw = function()
  vim.cmd('redrawstatus')
end
if vim.fn.has('nvim-0.10') == 1 then
  vim.api.nvim_create_autocmd('LspProgress', { group = group, callback = redraw })
else
  vim.api.nvim_create_autocmd('User', { group = group, pattern = 'LspProgressUpdate', callback = redraw })
end
