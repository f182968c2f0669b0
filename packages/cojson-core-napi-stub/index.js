'use strict';
throw new Error('cojson-core-napi is not installed in Caro History: use cojson/crypto/WasmCrypto.');
