"""The Gradio chat: ``python app.py [--host 127.0.0.1] [--port 7860]`` (same as ``rag serve``)."""

import sys

from rag.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
