;;; eglot_driver.el --- Drives eglot in batch mode for tests/editors/test_eglot.py  -*- lexical-binding: t -*-

;; Reads a JSON file named by PEER_TEST_CONFIG: `config', the eglot configuration taken from
;; docs/editors.md; `settings', the workspace configuration of the test (a fake model); `file',
;; the file to open; `results', where to write what was seen; `timeout', seconds per step;
;; `actions', code actions to run (optional).
;; It connects eglot as the documentation says, waits (on process output, with a deadline)
;; until Flymake has every expected diagnostic, runs each action as `M-x eglot-code-actions'
;; does (the user's pick from the menu is the action's `title'), waits until the buffer holds
;; its `expect'ed text, and writes the server name, the diagnostics and each step's buffer
;; text as JSON.

(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'flymake)

(defvar peer-test-config
  (json-parse-string
   (with-temp-buffer
     (insert-file-contents (getenv "PEER_TEST_CONFIG"))
     (buffer-string))
   :object-type 'plist :array-type 'array :false-object :json-false :null-object nil))

(defun peer-test--get (key)
  (plist-get peer-test-config key))

(defun peer-test--wait (step predicate)
  "Process events until PREDICATE holds; signal STEP as a timeout after the deadline."
  (let ((deadline (+ (float-time) (peer-test--get :timeout))))
    (while (not (funcall predicate))
      (when (> (float-time) deadline)
        (error "timeout: %s" step))
      (accept-process-output nil 0.05))))

(defun peer-test--diagnostics ()
  (mapcar (lambda (d)
            (list :line (1- (line-number-at-pos (flymake-diagnostic-beg d)))
                  :text (flymake-diagnostic-text d)))
          (flymake-diagnostics)))

(defun peer-test--has (needle)
  (seq-some (lambda (d) (string-match-p (regexp-quote needle) (flymake-diagnostic-text d)))
            (flymake-diagnostics)))

(defun peer-test--pick (title)
  "A stand-in for the user choosing TITLE in eglot's action menu (`completing-read')."
  (lambda (_prompt collection &rest _)
    (or (car (assoc title collection))
        (error "action %S not offered: %S" title (mapcar #'car collection)))))

(defun peer-test--run-action (action)
  "Run ACTION (a plist: line, column, kind, title, expect) with `eglot-code-actions'."
  (goto-char (point-min))
  (forward-line (plist-get action :line))
  (forward-char (plist-get action :column))
  ;; a keyboard event, so that eglot offers its menu through `completing-read', not a popup
  (let ((last-nonmenu-event ?\r))
    (cl-letf (((symbol-function 'completing-read) (peer-test--pick (plist-get action :title))))
      (eglot-code-actions (point) nil (plist-get action :kind) t)))
  (peer-test--wait (format "%s: %s" (plist-get action :step) (plist-get action :title))
                   (lambda () (save-excursion
                                (goto-char (point-min))
                                (search-forward (plist-get action :expect) nil t))))
  (list :step (plist-get action :step)
        :text (buffer-substring-no-properties (point-min) (point-max))))

(let ((results (list :failure nil :steps [])))
  (condition-case err
      (progn
        (load (peer-test--get :config) nil t)
        ;; the test's workspace configuration: a fake model, on top of the documented form
        (setq-default eglot-workspace-configuration (list :peer (peer-test--get :settings)))
        (find-file (peer-test--get :file))
        (apply #'eglot (eglot--guess-contact))
        (peer-test--wait "connect" (lambda () (eglot-current-server)))
        (let ((server (eglot-current-server)))
          (setq results (plist-put results :server
                                   (plist-get (eglot--server-info server) :name)))
          (setq results (plist-put results :command
                                   (vconcat (process-command (jsonrpc--process server))))))
        (peer-test--wait "diagnostics"
                         (lambda () (seq-every-p #'peer-test--has (peer-test--get :expect))))
        (setq results (plist-put results :diagnostics (vconcat (peer-test--diagnostics))))
        (seq-doseq (action (or (peer-test--get :actions) []))
          (setq results (plist-put results :steps
                                   (vconcat (plist-get results :steps)
                                            (list (peer-test--run-action action))))))
        (eglot-shutdown (eglot-current-server)))
    (error (setq results (plist-put results :failure (error-message-string err)))
           (setq results (plist-put results :diagnostics
                                    (vconcat (ignore-errors (peer-test--diagnostics)))))))
  (with-temp-file (peer-test--get :results)
    (insert (json-serialize results :null-object nil :false-object :json-false)))
  (kill-emacs 0))

;;; eglot_driver.el ends here
