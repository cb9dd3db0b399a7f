// melange keygen / sign / sign-index: key generation and (re-)signing.
#include <spdlog/spdlog.h>

#include "apk/index_archive.hpp"
#include "apk/package_writer.hpp"
#include "apk/signing.hpp"
#include "base/fs.hpp"
#include "melange/commands.hpp"

namespace melange_app {

using base::Status;

cli::Command keygen_command() {
  return {"keygen", "Generate an RSA key pair for signing packages and indexes", [](CLI::App& sub) {
            auto name = std::make_shared<std::string>("melange.rsa");
            auto bits = std::make_shared<int>(4096);
            sub.add_option("name", *name, "Private key file to write; the public key goes to <name>.pub")
                ->capture_default_str();
            sub.add_option("--key-size", *bits, "Key size in bits (at least 2048)")->capture_default_str();
            return [name, bits]() -> Status {
              TRY_ASSIGN(apk::KeyPair kp, apk::generate_rsa_key(*bits));
              // Public first: a half-written pair never leaves a private key without its public half.
              TRY(base::write_file_atomic(*name + ".pub", kp.public_pem, 0644));
              TRY(base::write_file_atomic(*name, kp.private_pem, 0600));
              spdlog::info("wrote private key {} and public key {}.pub", *name, *name);
              return {};
            };
          }};
}

cli::Command sign_command() {
  return {"sign", "Sign (or re-sign) apk packages in place", [](CLI::App& sub) {
            auto key = std::make_shared<std::string>("local-melange.rsa");
            auto files = std::make_shared<std::vector<std::string>>();
            sub.add_option("-k,--signing-key", *key, "Private key to sign with")->capture_default_str();
            sub.add_option("packages", *files, "The .apk files to sign")->required();
            return [key, files]() -> Status {
              TRY_ASSIGN(apk::LoadedKey k, apk::load_signing_key(*key));
              apk::SigningKey sk = k.signing_key();
              for (const auto& f : *files) {
                TRY_ASSIGN(std::string bytes, base::read_file(f));
                TRY_ASSIGN(std::string out, apk::resign_package(bytes, f, sk));
                TRY(base::write_file_atomic(f, out, 0644));
                spdlog::info("signed {} with {}", f, sk.key_name);
              }
              return {};
            };
          }};
}

cli::Command sign_index_command() {
  return {"sign-index", "Sign an APKINDEX.tar.gz in place", [](CLI::App& sub) {
            auto key = std::make_shared<std::string>("melange.rsa");
            auto index = std::make_shared<std::string>();
            auto force = std::make_shared<bool>(false);
            sub.add_option("--signing-key", *key, "Private key to sign with")->capture_default_str();
            sub.add_flag("-f,--force", *force, "Replace an existing signature");
            sub.add_option("index", *index, "The APKINDEX.tar.gz to sign")->required();
            return [key, index, force]() -> Status {
              TRY_ASSIGN(apk::LoadedKey k, apk::load_signing_key(*key));
              apk::SigningKey sk = k.signing_key();
              TRY_ASSIGN(std::string bytes, base::read_file(*index));
              TRY_ASSIGN(std::string out, apk::sign_index_archive(bytes, *index, sk, *force));
              TRY(base::write_file_atomic(*index, out, 0644));
              spdlog::info("signed {} with {}", *index, sk.key_name);
              return {};
            };
          }};
}

}  // namespace melange_app
