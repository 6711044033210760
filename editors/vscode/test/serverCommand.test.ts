import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  chooseLaunch,
  commandLine,
  findOnPath,
  installCommand,
  problemText,
  startFailure,
  type ServerSettings,
  type System,
} from "../src/serverCommand";

function posix(executables: string[], pathVariable = "/usr/local/bin:/usr/bin"): System {
  return { platform: "linux", pathVariable, isExecutable: (file) => executables.includes(file) };
}

const NONE: ServerSettings = { command: [], pythonPath: "", args: [], env: {} };

describe("findOnPath", () => {
  it("takes the first folder on PATH that has the program", () => {
    const system = posix(["/usr/bin/peer-lsp", "/opt/bin/peer-lsp"], "/usr/local/bin::/usr/bin:/opt/bin");
    assert.equal(findOnPath("peer-lsp", system), "/usr/bin/peer-lsp");
  });

  it("tries PATHEXT on Windows", () => {
    const system: System = {
      platform: "win32",
      pathVariable: "C:\\Python\\Scripts;C:\\Tools",
      pathExt: ".COM;.EXE",
      isExecutable: (file) => file === "C:\\Tools\\peer-lsp.EXE",
    };
    assert.equal(findOnPath("peer-lsp", system), "C:\\Tools\\peer-lsp.EXE");
  });
});

describe("chooseLaunch", () => {
  it("uses peer-lsp from PATH by default, logging to stderr for the output channel", () => {
    const launch = chooseLaunch({ ...NONE, args: ["--log-level", "debug"] }, posix(["/usr/bin/peer-lsp"]));
    assert.deepEqual(launch, {
      found: true,
      origin: "path",
      command: "/usr/bin/peer-lsp",
      args: ["--log-level", "debug"],
      env: { PEER_LOG_STDERR: "1" },
    });
  });

  it("starts a configured interpreter with -m peer_lsp serve", () => {
    const settings = { ...NONE, pythonPath: "/venv/bin/python", env: { OPENAI_API_KEY_ENV: "x" } };
    const launch = chooseLaunch(settings, posix(["/venv/bin/python", "/usr/bin/peer-lsp"]));
    assert.ok(launch.found);
    assert.equal(launch.command, "/venv/bin/python");
    assert.deepEqual(launch.args, ["-m", "peer_lsp", "serve"]);
    assert.deepEqual(launch.env, { PEER_LOG_STDERR: "1", OPENAI_API_KEY_ENV: "x" });
    assert.equal(installCommand(launch), "/venv/bin/python -m pip install git+https://github.com/peer-lsp/peer-lsp");
  });

  it("prefers a configured command, found on PATH, to everything else", () => {
    const settings = { ...NONE, command: ["uvx", "peer-lsp"], pythonPath: "/venv/bin/python", args: ["--stdio"] };
    const launch = chooseLaunch(settings, posix(["/usr/bin/uvx", "/venv/bin/python"]));
    assert.ok(launch.found);
    assert.equal(commandLine(launch), "/usr/bin/uvx peer-lsp --stdio");
  });

  it("says how to install the server when peer-lsp is not on PATH", () => {
    const launch = chooseLaunch(NONE, posix([]));
    assert.equal(launch.found, false);
    assert.ok(!launch.found);
    assert.equal(launch.command, "pipx install git+https://github.com/peer-lsp/peer-lsp");
    assert.match(launch.message, /not on PATH/);
  });

  it("reads as sentences, never \"run: Install ...\"", () => {
    const onPath = chooseLaunch(NONE, posix([]));
    const command = chooseLaunch({ ...NONE, command: ["/nowhere/peer-lsp"] }, posix([]));
    const python = chooseLaunch({ ...NONE, pythonPath: "python9" }, posix([]));
    assert.ok(!onPath.found && !command.found && !python.found);
    assert.equal(
      problemText(onPath),
      'The peer language server is not installed: "peer-lsp" is not on PATH. ' +
        'Install it with "pipx install git+https://github.com/peer-lsp/peer-lsp", or set peer.server.command or peer.server.pythonPath.',
    );
    assert.equal(
      problemText(command),
      'The server command "/nowhere/peer-lsp" (setting peer.server.command) was not found. ' +
        'Install the server with "pipx install git+https://github.com/peer-lsp/peer-lsp", or correct peer.server.command.',
    );
    assert.equal(command.command, "pipx install git+https://github.com/peer-lsp/peer-lsp");
    assert.equal(python.command, undefined); // nothing to copy: the setting is what to correct
    for (const text of [problemText(onPath), problemText(command), problemText(python)]) {
      assert.doesNotMatch(text, /run: [A-Z]/);
    }
    const started = chooseLaunch({ ...NONE, pythonPath: "/venv/bin/python" }, posix(["/venv/bin/python"]));
    assert.ok(started.found);
    const failed = startFailure(started, "exit code 1");
    assert.equal(
      problemText(failed),
      "The peer language server did not start (/venv/bin/python -m peer_lsp serve): exit code 1 " +
        "If it is not installed, run: /venv/bin/python -m pip install git+https://github.com/peer-lsp/peer-lsp",
    );
    assert.equal(failed.command, "/venv/bin/python -m pip install git+https://github.com/peer-lsp/peer-lsp");
  });

  it("names the setting when a configured program does not exist", () => {
    const command = chooseLaunch({ ...NONE, command: ["/nowhere/peer-lsp"] }, posix(["/usr/bin/peer-lsp"]));
    assert.ok(!command.found);
    assert.match(command.message, /peer\.server\.command/);
    const python = chooseLaunch({ ...NONE, pythonPath: "python9" }, posix(["/usr/bin/peer-lsp"]));
    assert.ok(!python.found);
    assert.match(python.message, /peer\.server\.pythonPath/);
  });
});

describe("commandLine", () => {
  it("quotes words a shell would split", () => {
    const launch = chooseLaunch({ ...NONE, pythonPath: "/My Env/python" }, posix(["/My Env/python"]));
    assert.ok(launch.found);
    assert.equal(commandLine(launch), "'/My Env/python' -m peer_lsp serve");
    assert.equal(installCommand(launch), "'/My Env/python' -m pip install git+https://github.com/peer-lsp/peer-lsp");
  });
});
