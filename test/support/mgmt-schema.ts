/** DDL of the generated consultancy management test databases (see mgmt-db.ts). */

export const PG_SCHEMA = `
CREATE TYPE project_status AS ENUM ('proposal', 'active', 'on_hold', 'closed');
CREATE SEQUENCE invoice_number_seq START 1000;

CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

CREATE TABLE users (
  id serial PRIMARY KEY,
  email text NOT NULL UNIQUE,
  full_name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'consultant', 'finance')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_lower_email_idx ON users (lower(email));

CREATE TABLE clients (
  id serial PRIMARY KEY,
  name text NOT NULL,
  country char(2) NOT NULL DEFAULT 'KE',
  city text,
  kra_pin text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  notes text
);
COMMENT ON TABLE clients IS 'Wateja — organisations Mvono works for';
COMMENT ON COLUMN clients.kra_pin IS 'Kenya Revenue Authority PIN';

CREATE TABLE contacts (
  id serial PRIMARY KEY,
  client_id int NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
  full_name text NOT NULL,
  email text,
  phone text,
  is_primary boolean NOT NULL DEFAULT false
);
CREATE INDEX contacts_client_idx ON contacts (client_id);

CREATE TABLE projects (
  id serial PRIMARY KEY,
  client_id int NOT NULL REFERENCES clients(id),
  code text NOT NULL UNIQUE,
  title text NOT NULL,
  status project_status NOT NULL DEFAULT 'proposal',
  budget numeric(14,2),
  starts_on date,
  ends_on date,
  created_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+03',
  updated_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+03',
  CHECK (ends_on IS NULL OR ends_on >= starts_on)
);
CREATE INDEX projects_client_idx ON projects (client_id);

CREATE TABLE project_members (
  project_id int NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id int NOT NULL REFERENCES users(id),
  role text NOT NULL,
  hourly_rate numeric(10,2),
  PRIMARY KEY (project_id, user_id)
);

CREATE SEQUENCE invoices_id_seq;
CREATE TABLE invoices (
  id bigint NOT NULL DEFAULT nextval('invoices_id_seq'),
  issued_on date NOT NULL,
  client_id int NOT NULL REFERENCES clients(id),
  project_id int REFERENCES projects(id),
  number text NOT NULL,
  currency char(3) NOT NULL DEFAULT 'KES',
  total numeric(14,2) NOT NULL DEFAULT 0,
  status text NOT NULL DEFAULT 'draft',
  PRIMARY KEY (id, issued_on)
) PARTITION BY RANGE (issued_on);
ALTER SEQUENCE invoices_id_seq OWNED BY invoices.id;
CREATE TABLE invoices_2022 PARTITION OF invoices FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE invoices_2023 PARTITION OF invoices FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE invoices_2024 PARTITION OF invoices FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE invoices_2025 PARTITION OF invoices FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE INDEX invoices_client_idx ON invoices (client_id);

CREATE TABLE invoice_lines (
  id bigserial PRIMARY KEY,
  invoice_id bigint NOT NULL,
  invoice_issued_on date NOT NULL,
  description text NOT NULL,
  quantity numeric(10,2) NOT NULL,
  unit_price numeric(12,2) NOT NULL,
  vat_rate numeric(5,2) NOT NULL DEFAULT 16,
  FOREIGN KEY (invoice_id, invoice_issued_on) REFERENCES invoices(id, issued_on)
);

CREATE TABLE payments (
  id serial PRIMARY KEY,
  invoice_id bigint NOT NULL,
  invoice_issued_on date NOT NULL,
  paid_at timestamptz NOT NULL,
  amount numeric(14,2) NOT NULL CHECK (amount > 0),
  method text NOT NULL,
  reference text,
  FOREIGN KEY (invoice_id, invoice_issued_on) REFERENCES invoices(id, issued_on)
);

CREATE TABLE documents (
  id uuid PRIMARY KEY,
  project_id int REFERENCES projects(id),
  file_name text NOT NULL,
  mime_type text NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 bytea NOT NULL,
  uploaded_by int REFERENCES users(id),
  uploaded_at timestamptz NOT NULL,
  tags text[] NOT NULL DEFAULT '{}',
  metadata jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX documents_tags_idx ON documents USING gin (tags);
COMMENT ON TABLE documents IS 'Upload metadata; the files live in object storage';

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+03',
  actor text NOT NULL DEFAULT current_user,
  action text NOT NULL,
  table_name text NOT NULL,
  row_id text,
  details jsonb
);

-- No primary key on purpose (imported feed).
CREATE TABLE exchange_rates (
  currency char(3) NOT NULL,
  rate_date date NOT NULL,
  rate numeric(12,6) NOT NULL
);

CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_events (action, table_name, row_id, details)
  VALUES (TG_OP, TG_TABLE_NAME, CASE WHEN TG_OP = 'DELETE' THEN OLD.id::text ELSE NEW.id::text END,
          CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE jsonb_build_object('id', NEW.id) END);
  RETURN COALESCE(NEW, OLD);
END $$;

CREATE TRIGGER clients_updated_at BEFORE UPDATE ON clients FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER projects_updated_at BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER users_updated_at BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER clients_audit AFTER INSERT OR UPDATE OR DELETE ON clients FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER payments_audit AFTER INSERT OR UPDATE OR DELETE ON payments FOR EACH ROW EXECUTE FUNCTION audit_row();

CREATE FUNCTION client_balance(p_client int) RETURNS numeric LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT sum(total) FROM invoices WHERE client_id = p_client AND status <> 'void'), 0)
       - COALESCE((SELECT sum(p.amount) FROM payments p JOIN invoices i ON i.id = p.invoice_id
                    AND i.issued_on = p.invoice_issued_on WHERE i.client_id = p_client), 0)
$$;

CREATE VIEW v_client_balances AS
  SELECT c.id, c.name, client_balance(c.id) AS balance FROM clients c;
CREATE VIEW v_active_projects AS
  SELECT p.code, p.title, c.name AS client, p.budget FROM projects p JOIN clients c ON c.id = p.client_id
   WHERE p.status = 'active';
`;

export const MARIA_SCHEMA = `
CREATE TABLE users (
  id int AUTO_INCREMENT PRIMARY KEY,
  email varchar(190) NOT NULL UNIQUE,
  full_name varchar(200) NOT NULL,
  role enum('admin','consultant','finance') NOT NULL,
  created_at datetime NOT NULL
);
CREATE TABLE clients (
  id int AUTO_INCREMENT PRIMARY KEY,
  name varchar(300) NOT NULL,
  country char(2) NOT NULL DEFAULT 'KE',
  city varchar(100),
  kra_pin varchar(20),
  created_at datetime NOT NULL,
  notes text
) COMMENT='Wateja — organisations Mvono works for';
CREATE TABLE contacts (
  id int AUTO_INCREMENT PRIMARY KEY,
  client_id int NOT NULL,
  full_name varchar(200) NOT NULL,
  email varchar(200),
  phone varchar(40),
  is_primary tinyint(1) NOT NULL DEFAULT 0,
  CONSTRAINT contacts_client_fk FOREIGN KEY (client_id) REFERENCES clients(id) ON DELETE CASCADE
);
CREATE TABLE projects (
  id int AUTO_INCREMENT PRIMARY KEY,
  client_id int NOT NULL,
  code varchar(40) NOT NULL UNIQUE,
  title varchar(300) NOT NULL,
  status enum('proposal','active','on_hold','closed') NOT NULL DEFAULT 'proposal',
  budget decimal(14,2),
  starts_on date,
  ends_on date,
  CONSTRAINT projects_client_fk FOREIGN KEY (client_id) REFERENCES clients(id)
);
CREATE TABLE invoices (
  id bigint AUTO_INCREMENT PRIMARY KEY,
  issued_on date NOT NULL,
  client_id int NOT NULL,
  project_id int,
  number varchar(40) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'KES',
  total decimal(14,2) NOT NULL DEFAULT 0,
  status varchar(10) NOT NULL DEFAULT 'draft',
  KEY invoices_client_idx (client_id)
);
CREATE TABLE invoice_lines (
  id bigint AUTO_INCREMENT PRIMARY KEY,
  invoice_id bigint NOT NULL,
  invoice_issued_on date NOT NULL,
  description varchar(500) NOT NULL,
  quantity decimal(10,2) NOT NULL,
  unit_price decimal(12,2) NOT NULL,
  vat_rate decimal(5,2) NOT NULL DEFAULT 16,
  CONSTRAINT lines_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices(id)
);
CREATE TABLE payments (
  id int AUTO_INCREMENT PRIMARY KEY,
  invoice_id bigint NOT NULL,
  invoice_issued_on date NOT NULL,
  paid_at datetime NOT NULL,
  amount decimal(14,2) NOT NULL,
  method varchar(20) NOT NULL,
  reference varchar(40)
);
CREATE TABLE documents (
  id int PRIMARY KEY,
  project_id int,
  file_name varchar(300) NOT NULL,
  mime_type varchar(100) NOT NULL,
  size_bytes bigint NOT NULL,
  sha256 binary(32) NOT NULL,
  uploaded_by int,
  uploaded_at datetime NOT NULL,
  tags json,
  metadata json
);
CREATE TABLE audit_events (
  id bigint AUTO_INCREMENT PRIMARY KEY,
  at datetime NOT NULL DEFAULT '2024-01-01 00:00:00',
  action varchar(10) NOT NULL,
  table_name varchar(64) NOT NULL,
  row_id varchar(40),
  details text
);
CREATE TABLE exchange_rates (
  currency char(3) NOT NULL,
  rate_date date NOT NULL,
  rate decimal(12,6) NOT NULL
);
CREATE TRIGGER payments_audit AFTER INSERT ON payments FOR EACH ROW
  INSERT INTO audit_events (action, table_name, row_id, details)
  VALUES ('INSERT', 'payments', NEW.id, CONCAT('amount=', NEW.amount));
CREATE FUNCTION client_balance(p_client int) RETURNS decimal(14,2) READS SQL DATA
  RETURN COALESCE((SELECT SUM(total) FROM invoices WHERE client_id = p_client AND status <> 'void'), 0);
CREATE PROCEDURE close_project(IN p_code varchar(40))
BEGIN
  UPDATE projects SET status = 'closed' WHERE code = p_code;
END;
CREATE VIEW v_active_projects AS
  SELECT p.code, p.title, c.name AS client, p.budget FROM projects p JOIN clients c ON c.id = p.client_id
   WHERE p.status = 'active';
`;
