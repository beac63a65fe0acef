# The two commands of the README. Each installs what is missing, then builds incrementally.
BUILD_DIR ?= build
PRESET    ?= default

.PHONY: all deps configure build run serve test bench format clean

all: build

deps:
	@scripts/install-deps

$(BUILD_DIR)/build.ninja: | deps
	cmake --preset $(PRESET)

configure: $(BUILD_DIR)/build.ninja

build: deps configure
	cmake --build $(BUILD_DIR)

# The desktop app on its embedded local server (default SQLite file under the user data dir).
run: build
	$(BUILD_DIR)/app/bunting

# Headless, on the default SQLite file; its first start prints the owner's API key.
serve: build
	$(BUILD_DIR)/app/bunting-server

# Server suites run twice: on SQLite, and on a PostgreSQL cluster ctest starts and stops.
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure

bench: deps
	cmake --preset release
	cmake --build build-release --target bunting_bench
	build-release/bench/bunting_bench

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-release
