-- The outline of a file in a real headless Neovim, for tests/editors/test_nvim_outline.py.
--
-- Started as `nvim --headless -u nvim_outline.lua` with PEER_TEST_CONFIG naming a JSON file:
-- the plugin folder, the server command, the file to open and where to write the results.
-- Starts peer with vim.lsp.enable (lsp/peer.lua), waits for the client to attach, and asks
-- for the outline the way a user does, vim.lsp.buf.document_symbol(), catching its list
-- with on_list. Writes the items (and the raw symbols) as JSON; waits have deadlines.

local config = vim.json.decode(table.concat(vim.fn.readfile(os.getenv('PEER_TEST_CONFIG')), '\n'))
local results = {}

vim.opt.runtimepath:prepend(config.plugin)
vim.opt.swapfile = false

local function finish()
  vim.fn.writefile({ vim.json.encode(results) }, config.results)
  vim.cmd('qa!')
end

local function run()
  vim.lsp.config('peer', { cmd = config.cmd, settings = { peer = { ollamaAutodetect = false } } })
  vim.lsp.enable('peer')
  vim.cmd.edit(vim.fn.fnameescape(config.file))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(config.timeout_ms, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = 'peer' }) > 0
  end, 20) then
    error({ timeout = 'attach' })
  end
  local listed = nil
  vim.lsp.buf.document_symbol({
    on_list = function(list)
      listed = list
    end,
  })
  if not vim.wait(config.timeout_ms, function()
    return listed ~= nil
  end, 20) then
    error({ timeout = 'document_symbol' })
  end
  results.items = {}
  for _, item in ipairs(listed.items) do
    table.insert(results.items, { text = item.text, lnum = item.lnum, col = item.col, kind = item.kind })
  end
  local answer = vim.lsp.buf_request_sync(bufnr, 'textDocument/documentSymbol', {
    textDocument = vim.lsp.util.make_text_document_params(bufnr),
  }, config.timeout_ms)
  for _, reply in pairs(answer or {}) do
    results.symbols = reply.result
  end
end

-- After startup, when filetype detection (which starts the client) is on.
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = pcall(run)
      if not ok then
        results.error = type(err) == 'table' and err or tostring(err)
      end
      finish()
    end)
  end,
})
