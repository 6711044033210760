-- Drives a real headless Neovim through the peer plugin, for tests/editors/test_nvim_e2e.py.
--
-- Started as `nvim --headless -u nvim_driver.lua` with PEER_TEST_CONFIG naming a JSON file:
-- the plugin folder, how to start the client ("config": vim.lsp.config/enable of Neovim 0.11+,
-- "setup": require('peer').setup, as on 0.9/0.10, "no-resolve": as "config", declaring no
-- codeAction/resolve support), the server command and settings, the file
-- to open, what to wait for, and where to write the results. Every step waits on a condition
-- with vim.wait and a deadline (no sleeps); what was seen is written as JSON for the Python
-- test to assert on. A step that times out ends the run with `timeout` naming it.
-- With "scenario": "unreviewed" (a model that refuses every request) the run instead waits
-- for the status to count `not_reviewed` units, and records the statusline, :PeerStatus,
-- :PeerHealth and what M.describe makes of the statuses in `describe`.

local globals_before = {}
for name in pairs(_G) do
  globals_before[name] = true
end
-- Globals that Neovim's own runtime sets are not the plugin's (0.12-dev's treesitter injection
-- code assigns `_`, when the explanation's code block is highlighted): noted as they are set.
local runtime_globals = {}
setmetatable(_G, {
  __newindex = function(globals, name, value)
    local setter = debug.getinfo(2, 'S')
    if setter ~= nil and setter.source:find('/runtime/lua/vim/', 1, true) then
      runtime_globals[name] = true
    end
    rawset(globals, name, value)
  end,
})

local config = vim.json.decode(table.concat(vim.fn.readfile(os.getenv('PEER_TEST_CONFIG')), '\n'))
local results = { steps = {}, notifications = {}, progress = {} }
local TIMEOUT = config.timeout_ms

vim.opt.runtimepath:prepend(config.plugin)
vim.opt.swapfile = false
vim.opt.shortmess:append('F')

-- Messages the plugin shows (vim.notify), and peer's $/progress as Neovim reports it.
local notify = vim.notify
vim.notify = function(message, level, opts)
  table.insert(results.notifications, message)
  return notify(message, level, opts)
end

local function finish()
  local new_globals = {}
  for name in pairs(_G) do
    if not globals_before[name] and not runtime_globals[name] then
      table.insert(new_globals, name)
    end
  end
  table.sort(new_globals)
  results.new_globals = new_globals
  vim.fn.writefile({ vim.json.encode(results) }, config.results)
  vim.cmd('qa!')
end

--- Waits for `condition`; records a timeout for `step` and stops the run if it never holds.
local function wait(step, condition)
  if not vim.wait(TIMEOUT, condition, 20) then
    error({ timeout = step })
  end
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function diagnostics(bufnr)
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(seen, { message = d.message, code = d.code, source = d.source, lnum = d.lnum, severity = d.severity })
  end
  table.sort(seen, function(a, b)
    return a.lnum < b.lnum or (a.lnum == b.lnum and a.message < b.message)
  end)
  return seen
end

local function has_message(bufnr, prefix)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if vim.startswith(d.message, prefix) then
      return true
    end
  end
  return false
end

local function has_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      return true
    end
  end
  return false
end

local function contains(bufnr, needle)
  return buffer_text(bufnr):find(needle, 1, true) ~= nil
end

local function idle(peer, bufnr)
  local status = peer.status(bufnr)
  return status ~= nil and status.state == 'idle' and status.inFlight == 0
end

local function run()
  local peer = require('peer')
  local reviewing = 0 -- `peer/status` notifications saying reviews are running
  vim.api.nvim_create_autocmd('User', {
    pattern = 'PeerStatus',
    callback = function(event)
      if event.data.status.state == 'reviewing' then
        reviewing = reviewing + 1
      end
    end,
  })
  vim.api.nvim_create_autocmd('LspProgress', {
    callback = function(event)
      local client = vim.lsp.get_client_by_id(event.data.client_id)
      local value = event.data.params.value
      if client ~= nil and client.name == 'peer' and type(value) == 'table' then
        table.insert(results.progress, { kind = value.kind, title = value.title })
      end
    end,
  })

  if config.mode == 'no-resolve' then
    -- a client that cannot resolve code actions, as eglot 1.9 and ALE: the server must send
    -- each edit inside its action
    local make = vim.lsp.protocol.make_client_capabilities
    vim.lsp.protocol.make_client_capabilities = function()
      local capabilities = make()
      capabilities.textDocument.codeAction.resolveSupport = nil
      capabilities.textDocument.codeAction.dataSupport = false
      return capabilities
    end
  end
  if config.mode == 'config' or config.mode == 'no-resolve' then
    vim.lsp.config('peer', { cmd = config.cmd, settings = { peer = config.settings } })
    vim.lsp.enable('peer')
  else
    peer.setup({ cmd = config.cmd, settings = { peer = config.settings } })
  end

  vim.cmd.edit(vim.fn.fnameescape(config.file))
  local bufnr = vim.api.nvim_get_current_buf()
  results.statusline_before = peer.statusline()

  -- 1. peer's diagnostics: the local ones and the fake model's findings
  wait('attach', function()
    return #peer.clients(bufnr) > 0
  end)
  local client = peer.clients(bufnr)[1]
  results.client = { name = client.name, root_dir = client.config.root_dir }
  wait('diagnostics', function()
    for _, code in ipairs(config.local_codes) do
      if not has_code(bufnr, code) then
        return false
      end
    end
    for _, title in ipairs(config.model_titles) do
      if not has_message(bufnr, title .. ' (') then
        return false
      end
    end
    return true
  end)
  table.insert(results.steps, { step = 'diagnostics', diagnostics = diagnostics(bufnr) })
  wait('idle after the reviews', function()
    return idle(peer, bufnr)
  end)
  results.statusline = peer.statusline()

  -- 1b. the hover escapes model text, and "Explain this finding" opens a markdown float (not a
  -- message of raw markdown)
  if config.explain then
    local at = config.explain
    vim.api.nvim_win_set_cursor(0, { at.line + 1, at.column })
    local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
    local answers = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, TIMEOUT) or {}
    local hover = nil
    for _, answer in pairs(answers) do
      if answer.result and answer.result.contents then
        hover = answer.result.contents.value
      end
    end
    -- what the hover float shows on screen, with Markdown concealed as Neovim renders it
    vim.cmd('syntax on')
    vim.o.lines, vim.o.columns = 60, 160
    local windows = #vim.api.nvim_list_wins()
    vim.lsp.buf.hover()
    wait('the hover float', function()
      return #vim.api.nvim_list_wins() > windows
    end)
    -- Neovim 0.12 highlights (and conceals) Markdown once its parse is done, which may be
    -- after the float is drawn: read the screen until it shows `expect`, or give up and keep
    -- what it shows
    local shown_hover = {}
    local function read_screen()
      vim.cmd('redraw!')
      shown_hover = {}
      for row = 1, vim.o.lines do
        local text = ''
        for column = 1, vim.o.columns do
          text = text .. vim.fn.screenstring(row, column)
        end
        table.insert(shown_hover, text)
      end
      return table.concat(shown_hover, '\n'):find(at.expect, 1, true) ~= nil
    end
    vim.wait(TIMEOUT, read_screen, 20)
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        vim.api.nvim_win_close(win, true)
      end
    end
    local before = #results.notifications
    vim.lsp.buf.code_action({
      filter = function(action)
        return action.title == 'Explain this finding'
      end,
      apply = true,
    })
    -- streamed: the float opens with the finding's document, the model's answer fills it
    wait('the explanation float, filled to its end', function()
      local buf = peer.explanation()
      return buf ~= nil and next(peer.streams()) == nil and contains(buf, at.expect_model)
    end)
    local float_buf, float_win = peer.explanation()
    table.insert(results.steps, {
      step = 'explain',
      hover = hover,
      shown_hover = shown_hover,
      lines = vim.api.nvim_buf_get_lines(float_buf, 0, -1, false),
      filetype = vim.bo[float_buf].filetype,
      floating = vim.api.nvim_win_get_config(float_win).relative ~= '',
      messages = vim.list_slice(results.notifications, before + 1),
    })
    vim.api.nvim_win_close(float_win, true)
  end

  -- 1c. another finding explained while the model is held half-way: closing the window stops
  -- the model (peer/streamCancel), and the server closes the stream as cancelled
  if config.explain_cancel then
    local at = config.explain_cancel
    local closes = {}
    local stream_close = peer.stream_close
    peer.stream_close = function(err, params, ctx)
      table.insert(closes, params)
      return stream_close(err, params, ctx)
    end
    vim.api.nvim_win_set_cursor(0, { at.line + 1, at.column })
    vim.lsp.buf.code_action({
      filter = function(action)
        return action.title == 'Explain this finding'
      end,
      apply = true,
    })
    local float_buf, float_win
    wait('the first words of the explanation', function()
      float_buf, float_win = peer.explanation()
      return float_buf ~= nil and next(peer.streams()) ~= nil and contains(float_buf, at.expect)
    end)
    local lines = vim.api.nvim_buf_get_lines(float_buf, 0, -1, false)
    local open_streams = vim.tbl_count(peer.streams())
    vim.api.nvim_win_close(float_win, true)
    wait('the stream closed as cancelled', function()
      for _, params in ipairs(closes) do
        if params.status == 'cancelled' then
          return true
        end
      end
      return false
    end)
    peer.stream_close = stream_close
    table.insert(results.steps, {
      step = 'explain cancelled',
      lines = lines,
      open_streams = open_streams,
      closes = closes,
      streams_after = vim.tbl_count(peer.streams()),
    })
  end

  -- 1d. "Suggest a test for this finding": a new unsaved buffer, named as the project would
  -- name the test and of its filetype, fills as the model writes
  if config.suggest_test then
    local at = config.suggest_test
    local closes = {}
    local stream_close = peer.stream_close
    peer.stream_close = function(err, params, ctx)
      table.insert(closes, params)
      return stream_close(err, params, ctx)
    end
    vim.api.nvim_win_set_cursor(0, { at.line + 1, at.column })
    local before = #results.notifications
    vim.lsp.buf.code_action({
      filter = function(action)
        return action.title == 'Suggest a test for this finding'
      end,
      apply = true,
    })
    wait('the suggested test, written to its end', function()
      return #closes > 0
    end)
    peer.stream_close = stream_close
    local test_win = vim.api.nvim_get_current_win()
    local test_buf = vim.api.nvim_win_get_buf(test_win)
    table.insert(results.steps, {
      step = 'suggest test',
      lines = vim.api.nvim_buf_get_lines(test_buf, 0, -1, false),
      name = vim.api.nvim_buf_get_name(test_buf),
      filetype = vim.bo[test_buf].filetype,
      file_exists = vim.fn.filereadable(vim.api.nvim_buf_get_name(test_buf)) == 1,
      closes = closes,
      messages = vim.list_slice(results.notifications, before + 1),
    })
    vim.api.nvim_win_close(test_win, true)
    vim.api.nvim_set_current_buf(bufnr)
  end

  -- 2. quick fixes through vim.lsp.buf.code_action: the edit comes with the action, or when
  -- Neovim resolves it (codeAction/resolve)
  for _, fix in ipairs(config.quick_fixes) do
    vim.api.nvim_win_set_cursor(0, { fix.line + 1, fix.column })
    local offered_with_edit = nil
    vim.lsp.buf.code_action({
      filter = function(action)
        if action.title ~= fix.title then
          return false
        end
        offered_with_edit = action.edit ~= nil
        return true
      end,
      apply = true,
    })
    wait('quick fix ' .. fix.title, function()
      return contains(bufnr, fix.expect)
    end)
    wait('the fixed finding goes: ' .. fix.finding, function()
      return not has_message(bufnr, fix.finding .. ' (') and not has_code(bufnr, fix.finding)
    end)
    table.insert(results.steps, {
      step = 'quick fix',
      title = fix.title,
      text = buffer_text(bufnr),
      offered_with_edit = offered_with_edit,
    })
  end

  -- 3. :PeerFixAll applies every remaining verified, high-confidence fix
  vim.cmd('PeerFixAll')
  wait(':PeerFixAll', function()
    return contains(bufnr, config.fix_all_expect)
  end)
  table.insert(results.steps, { step = 'fix all', text = buffer_text(bufnr) })

  -- 4. :PeerReview reviews the file again; the status goes back to idle
  local before, reviewed = #results.notifications, reviewing
  vim.cmd('PeerReview')
  wait(':PeerReview', function()
    return #results.notifications > before
  end)
  wait('reviews after :PeerReview, then idle', function()
    return reviewing > reviewed and idle(peer, bufnr)
  end)
  table.insert(results.steps, { step = 'review', message = results.notifications[before + 1] })

  -- 5. :PeerStatus, :PeerHealth and :checkhealth peer
  before = #results.notifications
  vim.cmd('PeerStatus')
  table.insert(results.steps, { step = 'status', message = results.notifications[before + 1] })
  vim.cmd('PeerHealth')
  wait(':PeerHealth', function()
    return vim.fn.bufnr('peer://health') ~= -1
  end)
  local health = vim.fn.bufnr('peer://health')
  table.insert(results.steps, { step = 'health', lines = vim.api.nvim_buf_get_lines(health, 0, -1, false) })
  vim.cmd('checkhealth peer')
  table.insert(results.steps, { step = 'checkhealth', text = buffer_text(vim.api.nvim_get_current_buf()) })

  -- 6. the help file has valid tags
  vim.cmd('helptags ' .. vim.fn.fnameescape(config.doc_copy))
end

--- A model that reviews nothing: the status must say how many units are left unreviewed.
local function run_unreviewed()
  local peer = require('peer')
  vim.lsp.config('peer', { cmd = config.cmd, settings = { peer = config.settings } })
  vim.lsp.enable('peer')
  vim.cmd.edit(vim.fn.fnameescape(config.file))
  local bufnr = vim.api.nvim_get_current_buf()
  wait('attach', function()
    return #peer.clients(bufnr) > 0
  end)
  wait('error with ' .. config.not_reviewed .. ' units not reviewed', function()
    local status = peer.status(bufnr)
    return status ~= nil
      and status.state == 'error'
      and status.inFlight == 0
      and status.notReviewed == config.not_reviewed
  end)
  results.statusline = peer.statusline()
  local before = #results.notifications
  vim.cmd('PeerStatus')
  table.insert(results.steps, { step = 'status', message = results.notifications[before + 1] })
  vim.cmd('PeerHealth')
  wait(':PeerHealth', function()
    return vim.fn.bufnr('peer://health') ~= -1
  end)
  local health = vim.fn.bufnr('peer://health')
  table.insert(results.steps, { step = 'health', lines = vim.api.nvim_buf_get_lines(health, 0, -1, false) })
  results.described = {}
  for _, status in ipairs(config.describe) do
    table.insert(results.described, peer.describe(status))
  end
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, problem = xpcall(config.scenario == 'unreviewed' and run_unreviewed or run, function(err)
        return type(err) == 'table' and err or { error = tostring(err) .. '\n' .. debug.traceback() }
      end)
      if not ok then
        results.failure = problem
        local current = vim.api.nvim_get_current_buf()
        results.failure.diagnostics = diagnostics(current)
        results.failure.text = buffer_text(current)
      end
      finish()
    end)
  end,
})
