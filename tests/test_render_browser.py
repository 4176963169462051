"""What the reader sees, in a real browser: the app's own chat component and renderers, fed a
fixed question and answer, so every character can be checked (the real app and model are
driven in test_app.py)."""

from __future__ import annotations

import shutil
import time

import pytest

from rag.types import Answer, Citation
from tests.conftest import free_port

pytestmark = pytest.mark.browser

# Apostrophes, quotes, ampersands, angle brackets, accents, Arabic, Markdown: as people write.
QUESTION = 'Hawija\'s fall & the "last stronghold": was it <b>before</b> al-Qa’im? Café — العراق'
ANSWER = "Hawija's fall came first & “quickly” <b>x</b> in الحويجة [1]. 5 < 7 > 2 [1]."
HOSTILE = '<script>window.pwned = 1</script><img src=x onerror="window.pwned=2"> [y](http://evil.example)'
PASSAGE = "Hawija's fighters & “others” left <b>x</b> الحويجة; " + HOSTILE


@pytest.fixture(scope="module")
def render_page():
    import gradio as gr

    from rag.ui.app import chat_component
    from rag.ui.render import CSS, HEAD, answer_markdown, plain_markdown, sources_html

    text = ANSWER + " " + HOSTILE
    answer = Answer(
        question=QUESTION,
        text=text,
        answerable=True,
        citations=[Citation(1, "a&b's.txt", "Title & “more”", "2017-10-10", PASSAGE, "c1", 0, 9, PASSAGE)],
    )

    def show():
        return [
            {"role": "user", "content": plain_markdown(QUESTION)},
            {"role": "assistant", "content": answer_markdown(text, 1)},
        ], sources_html(answer, 1)

    with gr.Blocks() as demo:
        chat = chat_component()
        sources = gr.HTML("", elem_id="sources")
        gr.Button("show", elem_id="show").click(show, None, [chat, sources])
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, css=CSS, head=HEAD)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        demo.close()


def test_text_renders_exactly_as_written_and_markup_does_not_run(render_page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.browser import chromium_driver

    driver, profile = chromium_driver()
    try:
        driver.get(render_page)
        wait = WebDriverWait(driver, 60)
        wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "#show"))).click()
        wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#sources .turn")))
        time.sleep(0.5)  # the chat's Markdown renders after the value arrives
        chat = driver.find_element(By.CSS_SELECTOR, "#chatbot").text
        assert QUESTION in chat, chat
        assert "Hawija's fall came first & “quickly” <b>x</b> in الحويجة [1]. 5 < 7 > 2 [1]." in chat, chat
        assert "<script>window.pwned = 1</script>" in chat and "[y](http://evil.example)" in chat, chat
        assert "&#" not in chat and "&amp;" not in chat, chat
        sources = driver.find_element(By.CSS_SELECTOR, "#sources").text
        assert "Hawija's fighters & “others” left <b>x</b> الحويجة" in sources, sources
        assert "Title & “more”" in sources and "a&b's.txt" in sources, sources
        # Nothing rendered as markup: no bold text from the answer, no image, no link out, no script run.
        bold = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#chatbot b, #chatbot strong")]
        assert "x" not in bold and "before" not in bold, bold
        assert not driver.find_elements(By.CSS_SELECTOR, "#chatbot img, #sources img")
        links = [a.get_attribute("href") or "" for a in driver.find_elements(By.TAG_NAME, "a")]
        assert not [h for h in links if "evil.example" in h], links
        assert driver.execute_script("return window.pwned === undefined")
        # The markers are still links to their source cards.
        assert driver.find_elements(By.CSS_SELECTOR, "#chatbot a.cite[href='#src-1-1']")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
