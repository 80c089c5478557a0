// node-opcua prints warnings from its own logger asynchronously at import (W27: Node 20 refuses RSA PKCS#1 v1.5
// decryption, which only the deprecated Basic128Rsa15/Basic256 policies need), after a test file may have finished.
// Tests keep its errors, not its warnings.
process.env.NODEOPCUA_LOG_LEVEL ??= '3';
