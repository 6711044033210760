" Drives Vim with ALE through peer's code actions, for tests/editors/test_ale.py.
"
" Started as `vim -N -u ale_driver.vim -i NONE -es` with PEER_TEST_CONFIG naming a JSON file:
" `config', the ALE configuration of docs/editors.md; the file to open; how many diagnostics
" to wait for; the code actions to run; where to write the results. ALE runs peer as an LSP
" linter, as the documentation configures it; each action is asked for as `:ALECodeAction` asks
" (ale#codefix#Execute, which echoes at most the nearest diagnostic, and none when the cursor
" is inside a word), picked by title from what the server offered, and applied by ALE
" (ale#codefix#ApplyLSPCodeAction). Every step waits on a condition with a deadline, sleeping
" in short slices so that ALE's jobs and channels run; a step that times out ends the run with
" `failure` naming it.

let s:config = json_decode(join(readfile($PEER_TEST_CONFIG), "\n"))
let s:results = {'failure': v:null, 'steps': []}
let s:offered = v:null

packadd ale
filetype plugin on
execute 'source ' . fnameescape(s:config.config)

function! s:Wait(step, Condition) abort
  let l:deadline = reltimefloat(reltime()) + s:config.timeout
  while !a:Condition()
    if reltimefloat(reltime()) > l:deadline
      throw 'timeout: ' . a:step
    endif
    sleep 20m
  endwhile
endfunction

function! s:Loclist() abort
  return get(get(g:ale_buffer_info, bufnr(''), {}), 'loclist', [])
endfunction

function! s:Offered(data, items) abort
  let s:offered = {'data': a:data, 'actions': map(copy(a:items), 'v:val[1]')}
endfunction

function! s:Run(action) abort
  call cursor(a:action.line + 1, a:action.column + 1)
  let s:offered = v:null
  call ale#codefix#Execute(0, function('s:Offered'))
  call s:Wait('actions: ' . a:action.title, {-> s:offered isnot v:null})
  let l:titles = map(copy(s:offered.actions), 'v:val.title')
  let l:chosen = filter(copy(s:offered.actions), 'v:val.title is# a:action.title')
  if empty(l:chosen)
    throw printf('%s: %s not offered: %s', a:action.step, a:action.title, string(l:titles))
  endif
  call ale#codefix#ApplyLSPCodeAction(s:offered.data, l:chosen[0])
  call s:Wait(a:action.step . ': ' . a:action.title,
  \   {-> stridx(join(getline(1, '$'), "\n"), a:action.expect) >= 0})
  call add(s:results.steps, {
  \   'step': a:action.step,
  \   'offered': l:titles,
  \   'text': join(getline(1, '$'), "\n") . "\n",
  \})
endfunction

try
  execute 'edit ' . fnameescape(s:config.file)
  call ale#Queue(0)
  call s:Wait('diagnostics', {-> len(s:Loclist()) == s:config.diagnostics})
  let s:results.diagnostics = map(copy(s:Loclist()), {_, d -> {
  \   'lnum': d.lnum, 'col': d.col, 'code': get(d, 'code', ''), 'text': d.text,
  \}})
  for s:action in s:config.actions
    call s:Run(s:action)
  endfor
catch
  let s:results.failure = v:exception
  let s:results.text = join(getline(1, '$'), "\n") . "\n"
endtry
call writefile([json_encode(s:results)], s:config.results)
qa!
