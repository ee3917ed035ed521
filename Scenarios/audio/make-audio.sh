#!/usr/bin/env bash
# Regenerates the shipped caller and agent clips with espeak-ng and sox (apt: espeak-ng sox).
# Caller clips stay at espeak-ng's native 22050 Hz so loading them exercises the resampler;
# each gets 300 ms of silence appended so speech-end finding has trailing silence to skip.
set -euo pipefail

cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# caller <file> <text>: US English male voice, 22050 Hz mono 16-bit, plus 300 ms of trailing silence.
caller() {
    espeak-ng -v en-us -s 165 -w "$tmp/raw.wav" "$2"
    sox -D "$tmp/raw.wav" -c 1 -b 16 "$1" pad 0 0.3
}

caller book-a-table.wav "I'd like to book a table for two tonight."
caller change-time.wav "Can we move it to eight o'clock instead?"
caller ask-hours.wav "What time do you open on Sunday?"
caller goodbye.wav "That's all, thank you. Goodbye."

# The agent's reply: a female voice at a higher pitch, resampled to 16 kHz mono 16-bit.
espeak-ng -v en+f3 -p 60 -s 175 -w "$tmp/reply-raw.wav" \
    "Done, a table for two at seven. Anything else?"
sox -D "$tmp/reply-raw.wav" -r 16000 -c 1 -b 16 reply.wav

for f in book-a-table.wav change-time.wav ask-hours.wav goodbye.wav reply.wav; do
    printf '%-18s %s\n' "$f" "$(soxi -D "$f") s, $(soxi -r "$f") Hz, $(stat -c %s "$f") bytes"
done
