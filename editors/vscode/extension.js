// The DLM extension: starts `dlmc lsp` (the language server built into the dlmc launcher) for
// .dlm files. Highlighting comes from syntaxes/dlm.tmLanguage.json and needs no server.
'use strict';

const path = require('path');
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

/** The server to run: dlm.server.path (resolved against the first workspace folder when relative) with `lsp`. */
function serverOptions() {
  const config = vscode.workspace.getConfiguration('dlm');
  let command = config.get('server.path', 'dlmc');
  const folders = vscode.workspace.workspaceFolders;
  if ((command.startsWith('./') || command.startsWith('../')) && folders && folders.length > 0) {
    command = path.resolve(folders[0].uri.fsPath, command);
  }
  // TransportKind.stdio adds --stdio, which dlmc lsp accepts
  const run = { command, args: ['lsp', ...config.get('server.args', [])], transport: TransportKind.stdio };
  return { run, debug: run };
}

async function start() {
  const options = serverOptions();
  client = new LanguageClient('dlm', 'DLM (dlmc lsp)', options, { documentSelector: [{ language: 'dlm' }] });
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(`DLM: could not start '${options.run.command} lsp' (${err.message}). Set dlm.server.path to the dlmc launcher.`);
  }
}

async function activate(context) {
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (!e.affectsConfiguration('dlm.server')) return;
    if (client) await client.stop();
    await start();
  }));
  await start();
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
