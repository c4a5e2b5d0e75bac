#!/usr/bin/env python3
"""Builds the explorer's single index.html: every /*INLINE:name*/ marker in the page template is
replaced by that file of the page folder, synack_wasm.js by the Emscripten loader followed by the
module itself in base64 (browsers refuse to fetch a .wasm next to a page opened from file://)."""
import argparse
import base64
import os
import pathlib
import re


def script_safe(text: str) -> str:
    # Inside <script>, "</script" would end the element early; "<\/" means the same in JS strings.
    return text.replace("</script", "<\\/script")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--page", required=True, help="page/index.html")
    parser.add_argument("--module", required=True, help="the Emscripten loader (.js)")
    parser.add_argument("--wasm", required=True, help="the WebAssembly module (.wasm)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    page = pathlib.Path(args.page)
    wasm = base64.b64encode(pathlib.Path(args.wasm).read_bytes()).decode("ascii")
    loader = pathlib.Path(args.module).read_text(encoding="utf-8")
    module = (
        loader
        + "\nconst SYNACK_WASM_BASE64 = \"" + wasm + "\";\n"
        + "const createSynackModuleFromPage = (createSynackModule => () => createSynackModule({\n"
        + "  wasmBinary: Uint8Array.from(atob(SYNACK_WASM_BASE64), c => c.charCodeAt(0)),\n"
        + "}))(createSynackModule);\n"
    )

    def inline(match: re.Match) -> str:
        name = match.group(1)
        if name == "synack_wasm.js":
            return script_safe(module)
        text = (page.parent / name).read_text(encoding="utf-8")
        return script_safe(text) if name.endswith(".js") else text

    html = re.sub(r"/\*INLINE:([\w.]+)\*/", inline, page.read_text(encoding="utf-8"))
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_suffix(".tmp")
    temporary.write_text(html, encoding="utf-8")
    os.replace(temporary, out)


if __name__ == "__main__":
    main()
