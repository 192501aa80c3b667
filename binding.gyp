# node-gyp users land in the same CMake build as `npm run build:native`: there is no second list of sources here.
# `node-gyp rebuild` runs scripts/build-native.mjs, which drives cmake-js in build/cmake-gyp/ (node-gyp owns build/'s
# Makefile) and places rarft.node in build/Release/, where lib/native/load.ts looks for it.
{
  "targets": [
    {
      "target_name": "rarft",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_build",
          "inputs": ["CMakeLists.txt"],
          "outputs": ["build/Release/rarft.node"],
          "action": ["node", "scripts/build-native.mjs", "--out", "build/cmake-gyp"]
        }
      ]
    }
  ]
}
