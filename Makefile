# The two quick-start commands: `make demo` and `make test`.
# Both install missing Debian packages, configure once, then build incrementally.
BUILD      ?= build
BUILD_TYPE ?= Release
JOBS       ?= $(shell nproc)
SYNACK_WERROR ?= OFF
CMAKE_FLAGS = -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DSYNACK_WERROR=$(SYNACK_WERROR)

.PHONY: demo test build deps web screenshots fuzz fuzz-build format clean

demo: build
	./$(BUILD)/bin/synack demo

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

deps:
	@bash scripts/install-deps.sh

# The explorer page: synack in WebAssembly (Emscripten, a configure of its own in $(BUILD)/wasm),
# one self-contained $(BUILD)/web/index.html; `build/bin/synack explore` writes it out.
web: deps
	JOBS=$(JOBS) bash scripts/build-web.sh $(BUILD)/wasm $(BUILD)/web

# docs/explorer-*.png, taken from the built page in headless chromium.
screenshots: web
	node web/tests/screenshots.mjs

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

# libFuzzer targets (clang 14); not part of `make test`.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz-build: deps
	test -f $(FUZZ_BUILD)/build.ninja || CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_BUILD) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYNACK_FUZZ=ON -DSYNACK_TESTS=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS) --target synack_cli
	FUZZ_SECONDS=$(FUZZ_SECONDS) SYNACK_CLI=$(BUILD)/bin/synack bash scripts/run-fuzzers.sh $(FUZZ_BUILD)

format:
	git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)
