<?php
// Queue consumer: takes jobs from Redis and records them in MariaDB.
$redis = new Redis();
$redis->connect(getenv('APP_REDIS_HOST'), 6379, 5);
$pdo = new PDO('mysql:host=' . getenv('APP_DB_HOST') . ';dbname=' . getenv('APP_DB_NAME'),
    getenv('APP_DB_USER'), getenv('APP_DB_PASSWORD'));
$pdo->exec('CREATE TABLE IF NOT EXISTS jobs (id INT AUTO_INCREMENT PRIMARY KEY, payload TEXT, done_at DATETIME)');
$insert = $pdo->prepare('INSERT INTO jobs (payload, done_at) VALUES (?, NOW())');
fwrite(STDOUT, "worker: consuming force1:jobs\n");
while (true) {
    touch('/tmp/worker-alive');
    $job = $redis->blPop(['force1:jobs'], 5);
    if ($job) {
        $insert->execute([$job[1]]);
        fwrite(STDOUT, "worker: done {$job[1]}\n");
    }
}
