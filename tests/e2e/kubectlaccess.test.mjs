// Unit tests of kubectlaccess.js's pure helpers (the command line the page offers to paste), run by
// node's built-in test runner from test_kubeconfig.py. No DOM: the helpers do not touch one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubectlCommand, shellWord } from '../../static/src/kubectlaccess.js';

test('the default command uses the downloaded kubeconfig as the browser saves it', () => {
  assert.equal(kubectlCommand(), 'kubectl --kubeconfig ~/Downloads/kubeplay.kubeconfig get pods');
  assert.equal(kubectlCommand('/tmp/k.yaml', ['get', 'nodes', '-o', 'wide']),
    'kubectl --kubeconfig /tmp/k.yaml get nodes -o wide');
});

test('words the shell would interpret are single-quoted, keeping ~/ expandable', () => {
  assert.equal(shellWord('get'), 'get');
  assert.equal(shellWord(''), "''");
  assert.equal(shellWord('~/My Downloads/kubeplay.kubeconfig'), "~/'My Downloads/kubeplay.kubeconfig'");
  assert.equal(shellWord('~/'), '~/');
  assert.equal(shellWord("it's"), "'it'\\''s'");
  assert.equal(shellWord('$HOME'), "'$HOME'");
  assert.equal(shellWord('~user/x'), "'~user/x'");
  assert.equal(kubectlCommand('~/a b.kubeconfig', ['get', 'pods', '-l', 'app=web,tier!=db']),
    "kubectl --kubeconfig ~/'a b.kubeconfig' get pods -l 'app=web,tier!=db'");
});
