--- peer: the Neovim client of peer-lsp, an AI code reviewer. See `:help peer`.
---
--- Two ways to start the server:
---   * Neovim 0.11+: `vim.lsp.enable('peer')`, configured by lsp/peer.lua;
---   * any Neovim from 0.9: `require('peer').setup(opts)`, which calls vim.lsp.start.
--- Either way the commands, the statusline and the health report below work the same.

local M = {}

--- The client name, and the name the server reports in serverInfo.
local NAME = 'peer'
local SERVER_NAME = 'peer-lsp'
local FIX_ALL_KIND = 'source.fixAll.peer'

local levels = vim.log.levels

--- The last `peer/status` notification of each client, by client id.
---@type table<integer, table>
local statuses = {}

local function notify(message, level)
  vim.notify('peer: ' .. message, level or levels.INFO, { title = 'peer' })
end

--- The default configuration of the client, shared by lsp/peer.lua and setup().
---@return table
function M.defaults()
  return {
    cmd = { 'peer-lsp' },
    root_markers = { '.peer.toml', 'pyproject.toml', '.git' },
    filetypes = nil, -- every filetype
    settings = {},
    capabilities = M.capabilities(),
    handlers = M.handlers(),
    commands = M.commands(),
    before_init = M.before_init,
  }
end

--- Whether this Neovim answers workspace/diagnostic/refresh itself.
local function refreshes_diagnostics()
  return vim.lsp.handlers['workspace/diagnostic/refresh'] ~= nil
end

--- Capabilities added to Neovim's own. Neovim 0.10 and 0.11 pull diagnostics but cannot be
--- told to pull again (workspace/diagnostic/refresh), so findings that arrive after a model
--- review would stay hidden until the next edit; where Neovim lacks it, this client declares
--- refresh support and answers it (`on_diagnostic_refresh`). It also tells the server that
--- it shows what peer's commands answer itself (`experimental.peer`): the explanation in a
--- floating window (`M.commands`), the health report in a buffer, so the server sends no
--- window/showMessage with them; and that it shows streamed text (`peer/streamOpen`,
--- `peer/streamAppend`, `peer/streamClose`: `M.stream_open`), so an explanation fills its
--- window as the model writes it.
---@return table
function M.capabilities()
  local capabilities = { experimental = { peer = { showsCommandResults = true, streams = true } } }
  if not refreshes_diagnostics() then
    capabilities.workspace = { diagnostics = { refreshSupport = true } }
  end
  return capabilities
end

--- Client-side handlers of server commands, run when a code action carries them: "Explain
--- this finding" (`peer.explain`) asks the server and shows its Markdown in a float.
---@return table<string, function>
function M.commands()
  return {
    ['peer.explain'] = function(command, ctx)
      return M.explain(command, ctx)
    end,
  }
end

--- Handlers for the peer client only: the streams, and workspace/diagnostic/refresh where
--- Neovim lacks it.
---@return table
function M.handlers()
  local handlers = {
    ['peer/streamOpen'] = function(err, result, ctx)
      return M.stream_open(err, result, ctx)
    end,
    ['peer/streamAppend'] = function(err, result, ctx)
      return M.stream_append(err, result, ctx)
    end,
    ['peer/streamClose'] = function(err, result, ctx)
      return M.stream_close(err, result, ctx)
    end,
  }
  if not refreshes_diagnostics() then
    handlers['workspace/diagnostic/refresh'] = function(err, result, ctx)
      return M.on_diagnostic_refresh(err, result, ctx)
    end
  end
  return handlers
end

--- Sends `settings.peer` as initializationOptions too, unless init_options were given, so the
--- server has the settings before it first asks for them (workspace/configuration).
function M.before_init(params, config)
  local peer = type(config.settings) == 'table' and config.settings.peer or nil
  if params.initializationOptions == nil and type(peer) == 'table' and next(peer) ~= nil then
    params.initializationOptions = peer
  end
end

-- -- clients -------------------------------------------------------------------------------

local function is_peer(client)
  return client.name == NAME or (client.server_info ~= nil and client.server_info.name == SERVER_NAME)
end

--- The peer clients attached to a buffer (all peer clients when `bufnr` is nil).
---@param bufnr integer|nil
---@return table[]
function M.clients(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients -- 0.10+ / 0.9
  return vim.tbl_filter(is_peer, get({ bufnr = bufnr }))
end

--- `client:request` on 0.11+, `client.request` before.
local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Runs a server command for the current buffer and calls `on_result(result)`.
local function execute(command, arguments, on_result)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.clients(bufnr)[1]
  if client == nil then
    notify('the server is not attached to this buffer (see :checkhealth peer)', levels.WARN)
    return
  end
  local params = { command = command, arguments = arguments }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err ~= nil then
      notify(command .. ' failed: ' .. (err.message or vim.inspect(err)), levels.ERROR)
      return
    end
    on_result(result, client)
  end, bufnr)
end

--- Answers workspace/diagnostic/refresh: pull the diagnostics of every buffer the client is
--- attached to again, handled by Neovim's own textDocument/diagnostic handler.
function M.on_diagnostic_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client ~= nil then
    for bufnr in pairs(client.attached_buffers) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) } }
        request(client, 'textDocument/diagnostic', params, nil, bufnr)
      end
    end
  end
  return vim.NIL
end

--- The explanation's float: its buffer and window, while it is open.
local explanation = { bufnr = nil, winid = nil }

--- Runs `peer.explain` (a code action's command) and shows its Markdown answer in a
--- floating window (`q` or moving the cursor closes it; calling again enters it).
---@param command table the LSP Command { command, arguments }
---@param ctx table { client_id, bufnr }
function M.explain(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client == nil then
    return
  end
  local params = { command = command.command, arguments = command.arguments }
  request(client, 'workspace/executeCommand', params, function(err, result)
    if err ~= nil then
      notify('explain failed: ' .. (err.message or vim.inspect(err)), levels.ERROR)
      return
    end
    if type(result) == 'table' and result.shownAs == 'stream' then
      return -- already in its window, filling as the model writes (M.stream_open)
    end
    M.show_explanation(result)
  end, ctx.bufnr)
end

--- Shows `peer.explain`'s result { title, markdown } in a floating markdown window.
---@param result table|nil
---@return integer|nil bufnr, integer|nil winid
function M.show_explanation(result)
  if type(result) ~= 'table' or type(result.markdown) ~= 'string' then
    notify('that finding is gone; nothing to explain')
    return nil, nil
  end
  local lines = vim.split(result.markdown, '\n', { plain = true, trimempty = true })
  local bufnr, winid = vim.lsp.util.open_floating_preview(lines, 'markdown', {
    border = 'rounded',
    focus_id = 'peer-explain',
    max_width = math.max(math.floor(vim.o.columns * 0.6), 40),
    title = type(result.title) == 'string' and result.title or nil,
  })
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = bufnr, nowait = true, silent = true })
  explanation.bufnr, explanation.winid = bufnr, winid
  return bufnr, winid
end

--- The buffer and window of the explanation last shown (nil once closed).
---@return integer|nil bufnr, integer|nil winid
function M.explanation()
  if explanation.winid ~= nil and vim.api.nvim_win_is_valid(explanation.winid) then
    return explanation.bufnr, explanation.winid
  end
  return nil, nil
end

-- -- streams ------------------------------------------------------------------------------
-- Text the server streams (peer_lsp/lsp/streaming.py): an explanation (kind "explanation")
-- fills a floating markdown window as the model writes; a suggested test (kind "test") a new
-- unsaved buffer with its filetype. Closing the window, or the buffer, sends
-- `peer/streamCancel`, which stops the model.

--- The streams in progress, by id: { client_id, kind, bufnr, winid, text }.
---@type table<string, table>
local streams = {}

--- `client:notify` on 0.11+, `client.notify` before.
local function client_notify(client, method, params)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- The buffer's lines from a stream's whole text (a final line break opens no new line).
local function text_lines(text)
  local lines = vim.split(text, '\n', { plain = true })
  if #lines > 1 and lines[#lines] == '' then
    table.remove(lines) -- as Vim reads a file: its last line break ends the last line
  end
  return lines
end

local function set_text(stream)
  if not vim.api.nvim_buf_is_valid(stream.bufnr) then
    return
  end
  local scratch = stream.kind == 'explanation'
  if scratch then
    vim.bo[stream.bufnr].modifiable = true
  end
  vim.api.nvim_buf_set_lines(stream.bufnr, 0, -1, false, text_lines(stream.text))
  if scratch then
    vim.bo[stream.bufnr].modifiable = false
    vim.bo[stream.bufnr].modified = false
  end
end

--- The user closed a stream's window or buffer: the server stops the model.
local function closed_by_user(id)
  local stream = streams[id]
  if stream == nil then
    return
  end
  streams[id] = nil
  local client = vim.lsp.get_client_by_id(stream.client_id)
  if client ~= nil then
    client_notify(client, 'peer/streamCancel', { id = id })
  end
end

local function explanation_window(title)
  local bufnr = vim.api.nvim_create_buf(false, true)
  vim.bo[bufnr].filetype = 'markdown'
  vim.bo[bufnr].bufhidden = 'wipe'
  vim.bo[bufnr].modifiable = false
  local width = math.max(math.floor(vim.o.columns * 0.6), 40)
  local height = math.max(math.floor(vim.o.lines * 0.6), 10)
  local config = {
    relative = 'editor',
    width = math.min(width, vim.o.columns),
    height = math.min(height, math.max(vim.o.lines - 4, 1)),
    row = math.max(math.floor((vim.o.lines - height) / 2) - 1, 0),
    col = math.max(math.floor((vim.o.columns - width) / 2), 0),
    border = 'rounded',
    style = 'minimal',
  }
  if vim.fn.has('nvim-0.9') == 1 and title ~= nil then
    config.title = title
  end
  local winid = vim.api.nvim_open_win(bufnr, true, config)
  vim.wo[winid].wrap = true
  vim.wo[winid].conceallevel = 2
  vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = bufnr, nowait = true, silent = true })
  return bufnr, winid
end

local function test_buffer(language_id, suggested_name)
  local bufnr = vim.api.nvim_create_buf(true, false)
  if type(suggested_name) == 'string' and suggested_name ~= '' and vim.fn.bufexists(suggested_name) == 0 then
    pcall(vim.api.nvim_buf_set_name, bufnr, suggested_name)
  end
  local filetype = language_id
  if type(suggested_name) == 'string' and suggested_name ~= '' then
    filetype = vim.filetype.match({ filename = suggested_name }) or language_id
  end
  vim.bo[bufnr].filetype = filetype
  vim.cmd('split')
  local winid = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(winid, bufnr)
  return bufnr, winid
end

--- `peer/streamOpen` { id, kind, title, languageId, suggestedName? }: the window to fill.
function M.stream_open(_, params, ctx)
  if type(params) ~= 'table' or type(params.id) ~= 'string' then
    return vim.NIL
  end
  local bufnr, winid
  if params.kind == 'explanation' then
    bufnr, winid = explanation_window(params.title)
    explanation.bufnr, explanation.winid = bufnr, winid
  elseif params.kind == 'test' then
    bufnr, winid = test_buffer(params.languageId, params.suggestedName)
  else
    return vim.NIL
  end
  local id = params.id
  streams[id] = { client_id = ctx.client_id, kind = params.kind, bufnr = bufnr, winid = winid, text = '' }
  vim.api.nvim_create_autocmd({ 'BufHidden', 'BufWipeout', 'BufDelete' }, {
    buffer = bufnr,
    once = true,
    callback = function()
      closed_by_user(id)
    end,
  })
  return vim.NIL
end

--- `peer/streamAppend` { id, text, reset? }: more text (all of it again after a reset).
function M.stream_append(_, params, _)
  local stream = type(params) == 'table' and streams[params.id] or nil
  if stream == nil or type(params.text) ~= 'string' then
    return vim.NIL
  end
  stream.text = (params.reset and '' or stream.text) .. params.text
  set_text(stream)
  return vim.NIL
end

--- `peer/streamClose` { id, status, message? }: the stream ended; its window stays.
function M.stream_close(_, params, _)
  local stream = type(params) == 'table' and streams[params.id] or nil
  if stream == nil then
    return vim.NIL
  end
  streams[params.id] = nil
  if params.status == 'failed' and stream.kind == 'test' then
    notify(params.message or 'the model did not answer', levels.WARN)
  end
  return vim.NIL
end

--- The streams in progress (for tests and :checkhealth): id -> { kind, bufnr, winid }.
---@return table<string, table>
function M.streams()
  local shown = {}
  for id, stream in pairs(streams) do
    shown[id] = { kind = stream.kind, bufnr = stream.bufnr, winid = stream.winid }
  end
  return shown
end

-- -- setup() for Neovim 0.9 and later ------------------------------------------------------

local function find_root(path, markers)
  local found = vim.fs.find(markers, { upward = true, path = vim.fs.dirname(path) })[1]
  return found and vim.fs.dirname(found) or nil
end

--- Starts (or reuses) the peer client for one buffer.
---@param bufnr integer
---@param config table the result of setup's merge
function M.start(bufnr, config)
  local path = vim.api.nvim_buf_get_name(bufnr)
  if vim.bo[bufnr].buftype ~= '' or path == '' then
    return
  end
  local client_config = vim.tbl_extend('force', config, {
    name = NAME,
    root_dir = find_root(path, config.root_markers or {}),
  })
  client_config.root_markers = nil
  client_config.filetypes = nil
  vim.lsp.start(client_config, { bufnr = bufnr })
end

--- Starts peer-lsp for matching buffers, now and when they open, with vim.lsp.start.
--- Options are those of lsp/peer.lua (cmd, filetypes, root_markers, settings, init_options,
--- capabilities, on_attach, ...); `cmd` and lists replace the defaults rather than merge.
---@param opts table|nil
function M.setup(opts)
  opts = opts or {}
  local config = vim.tbl_deep_extend('force', M.defaults(), opts)
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts[key] ~= nil then
      config[key] = opts[key] -- a list given replaces the default, index by index merge would mix them
    end
  end
  local group = vim.api.nvim_create_augroup('peer_setup', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = config.filetypes or '*',
    callback = function(args)
      M.start(args.buf, config)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    local filetype = vim.bo[bufnr].filetype
    local wanted = config.filetypes == nil or vim.tbl_contains(config.filetypes, filetype)
    if vim.api.nvim_buf_is_loaded(bufnr) and filetype ~= '' and wanted then
      M.start(bufnr, config)
    end
  end
end

-- -- status --------------------------------------------------------------------------------

--- Handler of the `peer/status` notification (registered by plugin/peer.lua).
function M.on_status(_, result, ctx)
  if type(result) ~= 'table' then
    return
  end
  statuses[ctx.client_id] = result
  vim.api.nvim_exec_autocmds('User', {
    pattern = 'PeerStatus',
    modeline = false,
    data = { client_id = ctx.client_id, status = result },
  })
  vim.cmd('redrawstatus')
end

local function text(value)
  return type(value) == 'string' and value ~= '' and value or nil
end

--- Units whose latest model review failed (a missing or refused key, a dead URL, an answer in
--- the wrong shape), from a status's `notReviewed`: their diagnostics are local findings only,
--- so they must not pass for clean. Missing, not a finite number or negative: 0.
---@param status table
---@return integer
local function not_reviewed(status)
  local n = status.notReviewed
  if type(n) ~= 'number' or n ~= n or n <= 0 or n == math.huge then
    return 0
  end
  return math.floor(n)
end

--- Why a count of units not reviewed matters, said wherever the count is shown in full.
local LOCAL_ONLY = 'their diagnostics are local findings only'

--- "1 unit", "3 units".
local function units(n)
  return n == 1 and '1 unit' or ('%d units'):format(n)
end

--- The last status the server reported for a buffer's peer client (nil if none).
---@param bufnr integer|nil default: the current buffer
---@return table|nil { state, detail, provider, model, inFlight, cacheHitRate, lastLatencyMs,
---                    notReviewed, budget }: notReviewed counts the units whose latest model
---                    review failed; the state stays 'error' while it is above 0; state
---                    'paused': a budget is spent (detail names it); budget: the day's use
---                    { day, tokens, cost, tokenLimit, costLimit } (limits vim.NIL: none)
function M.status(bufnr)
  for _, client in ipairs(M.clients(bufnr or vim.api.nvim_get_current_buf())) do
    if statuses[client.id] ~= nil then
      return statuses[client.id]
    end
  end
  return nil
end

--- The last status one client reported (nil if none yet).
---@param client_id integer
---@return table|nil
function M.client_status(client_id)
  return statuses[client_id]
end

--- A short statusline text: "peer: gpt-4o-mini 73% cached", "peer: reviewing (2)",
--- "peer: gpt-4o-mini failing, 3 units not reviewed", "peer: paused, budget reached",
--- "peer: local"; "" where peer is not attached.
---@param opts table|nil { escape = true } doubles '%' for statusline expressions that are
---                      evaluated again (`%!`, lualine); not needed with `%{...}`
---@return string
function M.statusline(opts)
  local bufnr = vim.api.nvim_get_current_buf()
  if #M.clients(bufnr) == 0 then
    return ''
  end
  local line = M.describe(M.status(bufnr))
  if opts and opts.escape then
    line = line:gsub('%%', '%%%%')
  end
  return line
end

--- The statusline text of a status (nil: not reported yet).
---@param status table|nil
---@return string
function M.describe(status)
  local line
  if status == nil or status.state == 'starting' then
    line = 'peer: starting'
  else
    local model = text(status.model) or text(status.provider)
    local in_flight = tonumber(status.inFlight) or 0
    if status.state == 'error' then
      line = ('peer: %s failing'):format(model or 'provider')
    elseif status.state == 'paused' then
      line = 'peer: paused, budget reached'
    elseif in_flight > 0 or status.state == 'reviewing' then
      line = in_flight > 0 and ('peer: reviewing (%d)'):format(in_flight) or 'peer: reviewing'
    elseif status.state == 'local' or model == nil then
      line = 'peer: local'
    else
      line = 'peer: ' .. model
      local rate = tonumber(status.cacheHitRate)
      if rate ~= nil then
        line = line .. (' %d%% cached'):format(math.floor(rate * 100 + 0.5))
      end
    end
    local failed = not_reviewed(status)
    if failed > 0 then
      line = ('%s, %s not reviewed'):format(line, units(failed))
    end
  end
  return line
end

--- The day's use against the daily limits, from a status's `budget`: "201,312 of 200,000
--- tokens, $0.42"; nil when the status has none (no model).
---@param budget table|nil
---@return string|nil
function M.budget_line(budget)
  if type(budget) ~= 'table' then
    return nil
  end
  local function number(value)
    return type(value) == 'number' and value == value and value ~= math.huge and value or nil
  end
  local function grouped(n)
    local digits = tostring(math.floor(n))
    return (digits:reverse():gsub('(%d%d%d)', '%1,'):reverse():gsub('^,', ''))
  end
  local tokens = grouped(math.max(number(budget.tokens) or 0, 0))
  local token_limit = number(budget.tokenLimit)
  local cost = ('$%.2f'):format(math.max(number(budget.cost) or 0, 0))
  local cost_limit = number(budget.costLimit)
  local line = token_limit and ('%s of %s tokens'):format(tokens, grouped(token_limit))
    or (tokens .. ' tokens')
  return line .. ', ' .. (cost_limit and ('%s of $%.2f'):format(cost, cost_limit) or cost)
end

--- An open circuit of a status's `circuits`: "fake: circuit open for 30 s more, after: fake:
--- the environment variable OPENAI_API_KEY is not set (...)", the failure that opened it.
---@param circuit table { provider, breaker, secondsLeft, cause }
---@return string
function M.circuit_line(circuit)
  local left = tonumber(circuit.secondsLeft)
  local line = ('%s: circuit %s'):format(tostring(circuit.provider), tostring(circuit.breaker or 'open'))
  if left ~= nil and left > 0 then
    line = line .. (' for %d s more'):format(math.ceil(left))
  end
  if text(circuit.cause) then
    line = line .. ', after: ' .. circuit.cause
  end
  return line
end

--- `:PeerStatus`: the status in full, as a message.
function M.show_status()
  local status = M.status()
  if status == nil then
    notify(#M.clients(0) == 0 and 'not attached to this buffer' or 'no status yet')
    return
  end
  local lines = { M.statusline() }
  local function add(label, value)
    if value ~= nil and value ~= vim.NIL and value ~= '' then
      table.insert(lines, ('  %s: %s'):format(label, tostring(value)))
    end
  end
  add('state', status.state)
  add('model', status.model)
  add('provider', status.provider)
  add('reviews in flight', status.inFlight)
  if tonumber(status.cacheHitRate) then
    add('cache hit rate', ('%d%%'):format(math.floor(status.cacheHitRate * 100 + 0.5)))
  end
  if tonumber(status.lastLatencyMs) then
    add('last review', ('%d ms'):format(math.floor(status.lastLatencyMs + 0.5)))
  end
  local failed = not_reviewed(status)
  if failed > 0 then
    add('not reviewed', ('%d (%s)'):format(failed, LOCAL_ONLY))
  end
  add('today (UTC)', M.budget_line(status.budget))
  add('detail', status.detail)
  for _, circuit in ipairs(type(status.circuits) == 'table' and status.circuits or {}) do
    add('circuit', M.circuit_line(circuit))
  end
  vim.notify(table.concat(lines, '\n'), levels.INFO, { title = 'peer' })
end

-- -- commands ------------------------------------------------------------------------------

--- `:PeerReview`: review the current file now, or with `opts.line` (0-based) the function
--- around that line.
---@param opts table|nil { line = integer|nil }
function M.review(opts)
  local line = opts and opts.line or nil
  local arguments = { vim.uri_from_bufnr(vim.api.nvim_get_current_buf()), line }
  execute('peer.reviewNow', arguments, function(result)
    local queued = type(result) == 'table' and tonumber(result.queued) or 0
    if queued == 0 then
      notify('nothing to review: no model is configured, or no reviewable code here')
    else
      notify(('reviewing %d unit%s'):format(queued, queued == 1 and '' or 's'))
    end
  end)
end

--- `:PeerFixAll`: the server's `source.fixAll.peer` action, applied without asking: every
--- verified fix at or above `preferredConfidence`, in one edit.
function M.fix_all()
  vim.lsp.buf.code_action({
    context = { only = { FIX_ALL_KIND }, diagnostics = {} },
    filter = function(action)
      return action.kind == FIX_ALL_KIND
    end,
    apply = true,
  })
end

local function percent(value)
  return tonumber(value) and ('%d%%'):format(math.floor(value * 100 + 0.5)) or '-'
end

local function cell(value)
  if value == nil or value == vim.NIL or value == '' then
    return '-'
  end
  if type(value) == 'table' then
    local parts = {}
    for key, count in pairs(value) do
      table.insert(parts, ('%s: %s'):format(key, tostring(count)))
    end
    table.sort(parts)
    return #parts == 0 and 'none' or table.concat(parts, ', ')
  end
  return (tostring(value):gsub('|', '\\|'))
end

--- The `peer.health` report as markdown lines.
---@param report table
---@return string[]
function M.health_lines(report)
  local failed = not_reviewed(report)
  local lines = {
    '# peer: health',
    '',
    ('- state: **%s**%s'):format(cell(report.state), text(report.detail) and (' (' .. report.detail .. ')') or ''),
    ('- model: %s'):format(text(report.model) or 'none'),
    ('- reviews in flight: %s'):format(cell(report.inFlight)),
    ('- cache hit rate: %s'):format(tonumber(report.cacheHitRate) and percent(report.cacheHitRate) or 'no lookups yet'),
    ('- units not reviewed: %s'):format(failed > 0 and ('**%d** (%s)'):format(failed, LOCAL_ONLY) or '0'),
    ('- today (UTC): %s'):format(M.budget_line(report.budget) or 'no model'),
    '',
    '## Providers',
    '',
  }
  local providers = type(report.providers) == 'table' and report.providers or {}
  local ids = vim.tbl_keys(providers)
  table.sort(ids)
  if #ids == 0 then
    table.insert(lines, 'No provider is configured: syntax errors and local rules only.')
    vim.list_extend(lines, M.usage_lines(report.usage))
    return lines
  end
  table.insert(lines, '| provider | model | breaker | calls | success | latency ms | failures |')
  table.insert(lines, '|---|---|---|---|---|---|---|')
  for _, id in ipairs(ids) do
    local p = providers[id]
    table.insert(
      lines,
      ('| %s | %s | %s | %s | %s | %s | %s |'):format(
        cell(id),
        cell(p.model),
        cell(p.breaker),
        cell(p.calls),
        percent(p.successRate),
        cell(p.latencyMs),
        cell(p.failures)
      )
    )
  end
  for _, circuit in ipairs(type(report.circuits) == 'table' and report.circuits or {}) do
    table.insert(lines, '')
    table.insert(lines, '**' .. M.circuit_line(circuit) .. '**')
  end
  vim.list_extend(lines, M.usage_lines(report.usage))
  return lines
end

local function usage_row(provider, model, u)
  u = type(u) == 'table' and u or {}
  local latency = type(u.latencyMs) == 'table' and u.latencyMs or {}
  local function ms(value)
    return tonumber(value) and tostring(math.floor(value + 0.5)) or '-'
  end
  local cost = tonumber(u.cost)
  return ('| %s | %s | %s | %s | %s | %s / %s / %s | %s / %s | %s | %s |'):format(
    provider,
    model,
    cell(u.requests),
    cell(u.cached),
    percent(u.cacheHitRate),
    ms(latency.p50),
    ms(latency.p95),
    ms(latency.p99),
    cell(u.inputTokens),
    cell(u.outputTokens),
    cost and ('%.4f'):format(cost) or '-',
    cell(u.failures)
  )
end

--- The `usage` part of the `peer.health` report as markdown lines: today's bill (UTC) from
--- the audit log, the figures `peer stats --since today` prints; none from an older server.
---@param usage table|nil
---@return string[]
function M.usage_lines(usage)
  if type(usage) ~= 'table' then
    return {}
  end
  local lines = { '', '## Today (UTC), from the audit log', '' }
  local models = type(usage.models) == 'table' and usage.models or {}
  if #models == 0 then
    table.insert(lines, 'Nothing was sent or answered from the cache today.')
  else
    table.insert(lines, '| provider | model | requests | cached | hit rate | p50 / p95 / p99 ms | tokens in / out | cost | failures |')
    table.insert(lines, '|---|---|---|---|---|---|---|---|---|')
    for _, m in ipairs(models) do
      if type(m) == 'table' then
        table.insert(lines, usage_row(cell(m.provider), cell(m.model), m))
      end
    end
    table.insert(lines, usage_row('**total**', '', usage.total))
    local unpriced = type(usage.total) == 'table' and tonumber(usage.total.unpriced) or 0
    if unpriced and unpriced > 0 then
      table.insert(lines, '')
      table.insert(lines, ('%d answers from providers without a price are not in the cost.'):format(unpriced))
    end
  end
  local malformed = tonumber(usage.malformed)
  if malformed and malformed > 0 then
    table.insert(lines, '')
    table.insert(lines, ('%d malformed lines of the audit log were skipped.'):format(malformed))
  end
  for _, problem in ipairs(type(usage.problems) == 'table' and usage.problems or {}) do
    table.insert(lines, '')
    table.insert(lines, ('**%s**'):format(tostring(problem)))
  end
  if text(usage.auditLog) then
    table.insert(lines, '')
    table.insert(lines, ('Audit log: `%s` (`peer stats` shows other periods).'):format(usage.auditLog))
  end
  return lines
end

local HEALTH_BUFFER = 'peer://health'

--- `:PeerHealth`: the health report in a scratch buffer (`q` closes it).
function M.show_health()
  execute('peer.health', {}, function(report)
    local lines = M.health_lines(type(report) == 'table' and report or {})
    local bufnr = vim.fn.bufnr(HEALTH_BUFFER)
    if bufnr == -1 then
      vim.cmd('botright new')
      bufnr = vim.api.nvim_get_current_buf()
      vim.api.nvim_buf_set_name(bufnr, HEALTH_BUFFER)
      vim.bo[bufnr].buftype = 'nofile'
      vim.bo[bufnr].bufhidden = 'wipe'
      vim.bo[bufnr].swapfile = false
      vim.bo[bufnr].filetype = 'markdown'
      vim.keymap.set('n', 'q', '<cmd>close<cr>', { buffer = bufnr, nowait = true })
    else
      local window = vim.fn.bufwinid(bufnr)
      if window == -1 then
        vim.cmd('botright sbuffer ' .. bufnr)
      else
        vim.api.nvim_set_current_win(window)
      end
    end
    vim.bo[bufnr].modifiable = true
    vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, lines)
    vim.bo[bufnr].modifiable = false
  end)
end

return M
