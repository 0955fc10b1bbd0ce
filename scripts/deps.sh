# scripts/deps.sh - the Debian packages concviz needs, and installing them.
# Sourced by scripts/run, scripts/test and scripts/bench; not run by itself.

# To build and run.
CONCVIZ_BUILD_PKGS="meson ninja-build pkg-config gcc libc6-dev libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libgif-dev libcmark-dev"
# To test: clang for the second compiler, the sanitizers' runtimes and
# libFuzzer; python3 runs the generated Python programs.
CONCVIZ_TEST_PKGS="clang libclang-rt-14-dev llvm python3"

# concviz_need PKG... : installs the packages that are missing, or says how.
concviz_need() {
    missing=""
    for p in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
            missing="$missing $p"
        fi
    done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ]; then
        echo "scripts: installing:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null || { echo "scripts: apt-get update failed" >&2; return 1; }
        # shellcheck disable=SC2086
        apt-get install -y -q --no-install-recommends $missing >/dev/null ||
            { echo "scripts: apt-get install$missing failed" >&2; return 1; }
    else
        echo "concviz needs these Debian packages; install them with:" >&2
        echo "  sudo apt-get install$missing" >&2
        return 1
    fi
}
