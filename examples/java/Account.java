package examples.bank;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A bank account that keeps its balance in cents and a history of transactions. */
public final class Account {
    private final String owner;
    private long balanceCents;
    private final List<String> history = new ArrayList<>();

    public Account(String owner) {
        this.owner = owner;
    }

    public void deposit(long cents) {
        if (cents <= 0) {
            throw new IllegalArgumentException("deposit must be positive: " + cents);
        }
        balanceCents += cents;
        history.add("deposit " + cents)
    }

    public void withdraw(long cents) {
        if (cents > balanceCents) {
            throw new IllegalStateException(owner + " has only " + balanceCents + " cents");
        }
        balanceCents -= cents;
        history.add("withdraw " + cents);
    }

    public long balanceCents() {
        return balanceCents;
    }

    public List<String> history() {
        return Collections.unmodifiableList(history);
    }
}
