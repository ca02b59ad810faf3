#!/usr/bin/env bash
# Tests the TextMate grammar and packages the extension as editors/vscode/dlm.vsix:
# npm ci (exactly the committed package-lock.json), vscode-tmgrammar-test on test/*.test.dlm,
# then @vscode/vsce. Needs Node.js 20+ and npm, and the npm registry.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
node --check extension.js
npm test
rm -f dlm.vsix
npm run --silent package
[ -s dlm.vsix ] || { echo "build.sh: vsce made no dlm.vsix" >&2; exit 1; }
# the package must hold the grammar, the language configuration, the client and its library
listing="$(unzip -l dlm.vsix)"
for f in extension/package.json extension/extension.js extension/syntaxes/dlm.tmLanguage.json \
         extension/language-configuration.json extension/node_modules/vscode-languageclient/node.js; do
  grep -q " $f\$" <<< "$listing" || { echo "build.sh: dlm.vsix lacks $f" >&2; exit 1; }
done
echo "build.sh: dlm.vsix ($(stat -c %s dlm.vsix) bytes)"
