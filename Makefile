# The two commands of the README. Each installs what is missing, then builds incrementally.
BUILD_DIR ?= build
PRESET    ?= default

.PHONY: all deps configure build run serve test fuzz bench package try-packages format clean

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

# The fuzzer of bunting-server, long: FUZZ_SECONDS (default 600) with a random seed, or
# FUZZ_SEED to repeat a run. Findings go to fuzz-findings/; replay one with
# $(BUILD_DIR)/tests/fuzz/bunting_fuzz --replay fuzz-findings/<file>.http
FUZZ_SECONDS ?= 600
fuzz: deps configure
	cmake --build $(BUILD_DIR) --target bunting_fuzz bunting-server
	$(BUILD_DIR)/tests/fuzz/bunting_fuzz --seconds $(FUZZ_SECONDS) --findings fuzz-findings \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

bench: deps
	cmake --preset release
	cmake --build build-release --target bunting_bench
	build-release/bench/bunting_bench

# The two Debian packages (bunting, bunting-server) in build-package/, in release mode with
# Debian's hardening flags (read by CMake on the first configure; `make clean` to change them).
package: deps
	@scripts/install-deps packaging/debian-packages.txt
	@[ -f build-package/build.ninja ] || \
	CXXFLAGS="$$(dpkg-buildflags --get CXXFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$$(dpkg-buildflags --get LDFLAGS)" cmake --preset package
	cmake --build build-package
	cd build-package && cpack
	@ls -1 build-package/*.deb

# Lintian, then an apt install of both packages into a pristine Debian 12 (root only).
try-packages: package
	packaging/try-debs build-package/bunting_*.deb build-package/bunting-server_*.deb

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) build-release build-package
