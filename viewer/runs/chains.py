"""EVM chain ids to names and block explorers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chain:
    id: int
    name: str
    explorer: str | None

    def tx_url(self, tx_hash: str) -> str | None:
        """The explorer page of a transaction, or None when the chain has no known explorer."""
        return f"{self.explorer}/tx/{tx_hash}" if self.explorer else None


KNOWN_CHAINS = {
    chain.id: chain
    for chain in (
        Chain(1, "Ethereum", "https://etherscan.io"),
        Chain(10, "Optimism", "https://optimistic.etherscan.io"),
        Chain(56, "BNB Smart Chain", "https://bscscan.com"),
        Chain(100, "Gnosis", "https://gnosisscan.io"),
        Chain(137, "Polygon", "https://polygonscan.com"),
        Chain(250, "Fantom", "https://ftmscan.com"),
        Chain(324, "zkSync Era", "https://explorer.zksync.io"),
        Chain(1101, "Polygon zkEVM", "https://zkevm.polygonscan.com"),
        Chain(5000, "Mantle", "https://mantlescan.xyz"),
        Chain(8453, "Base", "https://basescan.org"),
        Chain(42161, "Arbitrum One", "https://arbiscan.io"),
        Chain(42220, "Celo", "https://celoscan.io"),
        Chain(43114, "Avalanche C-Chain", "https://snowtrace.io"),
        Chain(59144, "Linea", "https://lineascan.build"),
        Chain(81457, "Blast", "https://blastscan.io"),
        Chain(534352, "Scroll", "https://scrollscan.com"),
        Chain(11155111, "Sepolia (testnet)", "https://sepolia.etherscan.io"),
        Chain(84532, "Base Sepolia (testnet)", "https://sepolia.basescan.org"),
    )
}


def chain_for(chain_id: object) -> Chain | None:
    """The chain for an EIP-155 id; unknown ids get a plain "Chain <id>" without explorer."""
    if isinstance(chain_id, bool) or not isinstance(chain_id, int | str):
        return None
    try:
        number = int(chain_id)
    except ValueError:
        return None
    return KNOWN_CHAINS.get(number) or Chain(number, f"Chain {number}", None)
