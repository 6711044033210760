//! Zed extension for peer-lsp: finds the server, and hands it the user's settings.
//!
//! The command is `lsp.peer-lsp.binary` from Zed's settings if given, else `peer-lsp` on the
//! worktree's PATH. `lsp.peer-lsp.settings` go to the server both as initializationOptions
//! and as the `peer` section of workspace/configuration (docs/configuration.md).

use zed_extension_api::{self as zed, serde_json, settings::LspSettings};

const SERVER: &str = "peer-lsp";

struct PeerExtension;

impl PeerExtension {
    fn settings(worktree: &zed::Worktree) -> Option<serde_json::Value> {
        LspSettings::for_worktree(SERVER, worktree).ok()?.settings
    }
}

impl zed::Extension for PeerExtension {
    fn new() -> Self {
        PeerExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<zed::Command> {
        let binary = LspSettings::for_worktree(SERVER, worktree)
            .ok()
            .and_then(|settings| settings.binary);
        let configured = binary.as_ref().and_then(|b| b.path.clone());
        let command = match configured.or_else(|| worktree.which(SERVER)) {
            Some(path) => path,
            None => {
                return Err(format!(
                    "{SERVER} is not on PATH: install it with `pipx install git+https://github.com/peer-lsp/peer-lsp`, \
                     or set lsp.{SERVER}.binary.path in Zed's settings"
                ))
            }
        };
        let args = binary.as_ref().and_then(|b| b.arguments.clone()).unwrap_or_default();
        let env = binary
            .and_then(|b| b.env)
            .map(|env| env.into_iter().collect())
            .unwrap_or_default();
        Ok(zed::Command { command, args, env })
    }

    fn language_server_initialization_options(
        &mut self,
        _language_server_id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<Option<serde_json::Value>> {
        Ok(Self::settings(worktree))
    }

    fn language_server_workspace_configuration(
        &mut self,
        _language_server_id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<Option<serde_json::Value>> {
        let settings = Self::settings(worktree).unwrap_or_else(|| serde_json::json!({}));
        Ok(Some(serde_json::json!({ "peer": settings })))
    }
}

zed::register_extension!(PeerExtension);
