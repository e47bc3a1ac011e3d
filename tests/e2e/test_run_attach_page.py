"""The HPA walkthrough's load generator in the page's terminal: ``kubectl run -i --tty load-generator
--rm … -- /bin/sh -c "while sleep 0.01; do wget -q -O- http://php-apache; done"`` prints the loop's
``OK!`` as the clock runs, and Ctrl-C (the ^C on the container's TTY) ends the loop, deletes the pod
and gives the prompt back."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import advance, pause, run

GENERATOR = ('kubectl run -i --tty load-generator --rm --image=busybox:1.28 --restart=Never -- /bin/sh -c '
             '"while sleep 0.01; do wget -q -O- http://php-apache; done"')


def test_the_load_generator_streams_until_ctrl_c_deletes_it(page: Page) -> None:
    pause(page)
    run(page, "kubectl apply -f https://k8s.io/examples/application/php-apache.yaml")
    advance(page, 60)
    out = page.get_by_role("log", name="Terminal output")
    box = page.get_by_role("textbox", name="kubectl command")
    stop = page.get_by_role("button", name="Stop the running command (Ctrl-C)")

    box.fill(GENERATOR)
    box.press("Enter")
    expect(out).to_contain_text("If you don't see a command prompt, try pressing enter.")
    expect(stop).to_be_visible()
    advance(page, 5)
    expect(out).to_contain_text("OK!" * 20)

    box.press("Control+c")
    expect(out).to_contain_text('pod "load-generator" deleted')
    expect(out).to_contain_text("pod default/load-generator terminated (Error)")
    expect(stop).to_be_hidden()
    shown = out.inner_text()
    assert re.search(r"(OK!)+\^C\s*\npod \"load-generator\" deleted", shown), shown[-300:]
    run(page, "kubectl get pod load-generator")
    expect(out).to_contain_text('pods "load-generator" not found')
