#!/usr/bin/env bash
# Regenerates the Swift code for Protos/ (today: Pipecat's frames.proto) into Sources/ChorusDialects/Pipecat.
#
# The output is committed: building Chorus never runs protoc, only changing a .proto does.
#
# Needs protoc (apt-get install protobuf-compiler) and swift-protobuf's plugin, built from the same version
# the package depends on (Package.swift: swift-protobuf 1.39.0):
#   git clone https://github.com/apple/swift-protobuf && cd swift-protobuf && git checkout 1.39.0
#   swift build -c release --product protoc-gen-swift
#
# Usage: Scripts/generate-protos.sh [path/to/protoc-gen-swift]
#        (or set PROTOC_GEN_SWIFT; falls back to protoc-gen-swift on PATH)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
plugin="${1:-${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift || true)}}"

if [[ -z "$plugin" || ! -x "$plugin" ]]; then
    echo "error: protoc-gen-swift not found; pass its path or set PROTOC_GEN_SWIFT" >&2
    exit 2
fi
command -v protoc >/dev/null || { echo "error: protoc not found (apt-get install protobuf-compiler)" >&2; exit 2; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cd "$root"
protoc \
    --plugin=protoc-gen-swift="$plugin" \
    --proto_path=Protos \
    --swift_opt=Visibility=Internal \
    --swift_opt=FileNaming=DropPath \
    --swift_out="$out" \
    pipecat/frames.proto

# protoc-gen-swift names the file after the .proto (frames.pb.swift); Chorus names it after the protocol.
mv "$out/frames.pb.swift" Sources/ChorusDialects/Pipecat/PipecatFrames.pb.swift
echo "wrote Sources/ChorusDialects/Pipecat/PipecatFrames.pb.swift ($("$plugin" --version 2>/dev/null || echo plugin), $(protoc --version))"
